-- SafeServe local store, version 1: the registers and their search indexes.
-- Released migrations are never edited; a change is a new numbered file.

CREATE TABLE divisions (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    parent TEXT REFERENCES divisions(code)
) WITHOUT ROWID;

-- `seq` is the rowid in creation order: search results sort on it (newest first) and the
-- search indexes use it as their rowid.
CREATE TABLE agencies (
    seq                  INTEGER PRIMARY KEY,
    id                   TEXT NOT NULL UNIQUE,
    credit_code          TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    address              TEXT NOT NULL,
    office_area_m2       REAL NOT NULL CHECK (office_area_m2 >= 0),
    division             TEXT NOT NULL REFERENCES divisions(code),
    service_types        TEXT NOT NULL,  -- JSON array of ServiceType keys
    high_risk_industries TEXT NOT NULL,  -- JSON array of Industry keys
    platform_registered  INTEGER NOT NULL,
    documents            TEXT NOT NULL,  -- JSON array of ManagementDocument keys
    created_at           TEXT NOT NULL
);

CREATE TABLE people (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    id_number  TEXT NOT NULL UNIQUE,     -- full number; only ever shown masked
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE certificates (
    person_id  TEXT NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL,
    number     TEXT NOT NULL,
    issuer     TEXT NOT NULL,
    specialty  TEXT,
    expires_on TEXT
);
CREATE INDEX certificates_person ON certificates(person_id);
CREATE INDEX certificates_number ON certificates(number);

CREATE TABLE employments (
    person_id TEXT NOT NULL REFERENCES people(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    role      TEXT NOT NULL,
    full_time INTEGER NOT NULL,
    PRIMARY KEY (person_id, agency_id)
) WITHOUT ROWID;
CREATE INDEX employments_agency ON employments(agency_id);

CREATE TABLE capability_tests (
    person_id TEXT NOT NULL REFERENCES people(id),
    taken_on  TEXT NOT NULL,
    score     INTEGER NOT NULL,
    passed    INTEGER NOT NULL
);
CREATE INDEX capability_tests_person ON capability_tests(person_id, taken_on);

CREATE TABLE enterprises (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    credit_code    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    address        TEXT NOT NULL,
    division       TEXT NOT NULL REFERENCES divisions(code),
    industry       TEXT NOT NULL,
    high_risk      INTEGER NOT NULL,
    size           TEXT NOT NULL,
    park           TEXT,
    principal      TEXT NOT NULL,
    safety_contact TEXT NOT NULL,
    phone          TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX enterprises_division ON enterprises(division);
CREATE INDEX enterprises_industry ON enterprises(industry);

CREATE TABLE contracts (
    seq                     INTEGER PRIMARY KEY,
    id                      TEXT NOT NULL UNIQUE,
    agency_id               TEXT NOT NULL REFERENCES agencies(id),
    enterprise_id           TEXT NOT NULL REFERENCES enterprises(id),
    service_types           TEXT NOT NULL,
    content                 TEXT NOT NULL,
    visits_per_year         INTEGER NOT NULL,
    starts_on               TEXT NOT NULL,
    ends_on                 TEXT NOT NULL CHECK (ends_on >= starts_on),
    fee_fen                 INTEGER NOT NULL CHECK (fee_fen >= 0),
    acceptance_standard     TEXT NOT NULL,
    filed                   INTEGER NOT NULL,
    government_commissioned INTEGER NOT NULL,
    created_at              TEXT NOT NULL
);
CREATE INDEX contracts_enterprise ON contracts(enterprise_id);
CREATE INDEX contracts_agency ON contracts(agency_id);

-- Chinese substring search (see search.rs). Two indexes per register, rowid = the record's seq:
-- `*_tri` (trigram) answers queries of 3+ characters; `*_gram` holds every 1- and 2-character
-- gram of the same text as a token, for the short queries trigram cannot answer.
CREATE VIRTUAL TABLE enterprise_tri USING fts5(name, other, content='', contentless_delete=1, tokenize='trigram');
CREATE VIRTUAL TABLE enterprise_gram USING fts5(name, other, content='', contentless_delete=1, detail='column');
CREATE VIRTUAL TABLE agency_tri USING fts5(name, other, content='', contentless_delete=1, tokenize='trigram');
CREATE VIRTUAL TABLE agency_gram USING fts5(name, other, content='', contentless_delete=1, detail='column');
CREATE VIRTUAL TABLE person_tri USING fts5(name, other, content='', contentless_delete=1, tokenize='trigram');
CREATE VIRTUAL TABLE person_gram USING fts5(name, other, content='', contentless_delete=1, detail='column');
