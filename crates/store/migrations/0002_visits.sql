-- Visits, checklist results, hazards and their events, photos (issue: on-site visits offline).
-- Evidence is append-only: hazard events can be neither updated nor deleted, and a hazard's
-- fields freeze once its visit has ended.

CREATE TABLE templates (
    key         TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    title       TEXT NOT NULL,
    target      TEXT NOT NULL,
    body        TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (key, version)
) WITHOUT ROWID;

CREATE TABLE visits (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    enterprise_id    TEXT REFERENCES enterprises(id),
    agency_id        TEXT REFERENCES agencies(id),
    template_key     TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    latitude         REAL,
    longitude        REAL,
    place            TEXT NOT NULL DEFAULT '',
    assessment       TEXT NOT NULL DEFAULT '',
    plan             TEXT,
    mismatches       TEXT NOT NULL DEFAULT '[]',
    mismatch_reason  TEXT,
    FOREIGN KEY (template_key, template_version) REFERENCES templates(key, version),
    CHECK ((enterprise_id IS NULL) <> (agency_id IS NULL))
);
CREATE INDEX visits_enterprise ON visits(enterprise_id);
CREATE INDEX visits_agency ON visits(agency_id) WHERE agency_id IS NOT NULL;

-- The people sent, with their certificates as they stood when the visit started.
CREATE TABLE visit_people (
    visit_id     TEXT NOT NULL REFERENCES visits(id),
    person_id    TEXT NOT NULL REFERENCES people(id),
    position     INTEGER NOT NULL,
    certificates TEXT NOT NULL,
    PRIMARY KEY (visit_id, person_id)
) WITHOUT ROWID;

-- Keyed by the visit's `seq`, not its UUID: a million visits' answers are the bulk of the file.
CREATE TABLE visit_items (
    visit_seq  INTEGER NOT NULL REFERENCES visits(seq),
    code       TEXT NOT NULL,
    result     TEXT,
    note       TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (visit_seq, code)
) WITHOUT ROWID;

-- An ended visit is a record: its answers and fields no longer change, and visits are never
-- deleted.
CREATE TRIGGER visits_frozen BEFORE UPDATE ON visits WHEN OLD.ended_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'visit_frozen'); END;
CREATE TRIGGER visits_kept BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'evidence_append_only'); END;
CREATE TRIGGER visit_items_frozen BEFORE UPDATE ON visit_items
WHEN (SELECT ended_at FROM visits WHERE seq = OLD.visit_seq) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'visit_frozen'); END;
CREATE TRIGGER visit_items_kept BEFORE DELETE ON visit_items
WHEN (SELECT ended_at FROM visits WHERE seq = OLD.visit_seq) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'visit_frozen'); END;

CREATE TABLE photos (
    sha256         TEXT PRIMARY KEY,
    format         TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    taken_at       TEXT,
    latitude       REAL,
    longitude      REAL,
    display_width  INTEGER NOT NULL,
    display_height INTEGER NOT NULL,
    phash          TEXT NOT NULL,
    imported_at    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE item_photos (
    visit_id TEXT NOT NULL REFERENCES visits(id),
    code     TEXT NOT NULL,
    sha256   TEXT NOT NULL REFERENCES photos(sha256),
    added_at TEXT NOT NULL,
    PRIMARY KEY (visit_id, code, sha256)
) WITHOUT ROWID;

CREATE TABLE hazards (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    visit_id      TEXT NOT NULL REFERENCES visits(id),
    enterprise_id TEXT REFERENCES enterprises(id),
    agency_id     TEXT REFERENCES agencies(id),
    item_code     TEXT,
    description   TEXT NOT NULL,
    location      TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('major', 'general')),
    basis         TEXT NOT NULL DEFAULT '',
    measure       TEXT NOT NULL DEFAULT '',
    deadline      TEXT NOT NULL,
    responsible   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);
CREATE INDEX hazards_enterprise ON hazards(enterprise_id);
CREATE INDEX hazards_agency ON hazards(agency_id) WHERE agency_id IS NOT NULL;
CREATE INDEX hazards_visit ON hazards(visit_id);

CREATE TRIGGER hazards_frozen BEFORE UPDATE ON hazards
WHEN (SELECT ended_at FROM visits WHERE id = OLD.visit_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'hazard_frozen'); END;
CREATE TRIGGER hazards_kept BEFORE DELETE ON hazards
BEGIN SELECT RAISE(ABORT, 'evidence_append_only'); END;

-- Events point at their hazard and visit by `seq` (integers, not UUIDs): there are several
-- per hazard, and with UUID keys they were the largest table of the file.
CREATE TABLE hazard_events (
    seq        INTEGER PRIMARY KEY,
    hazard_seq INTEGER NOT NULL REFERENCES hazards(seq),
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    visit_seq  INTEGER REFERENCES visits(seq),
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hazard_events_hazard ON hazard_events(hazard_seq);

CREATE TRIGGER hazard_events_no_update BEFORE UPDATE ON hazard_events
BEGIN SELECT RAISE(ABORT, 'evidence_append_only'); END;
CREATE TRIGGER hazard_events_no_delete BEFORE DELETE ON hazard_events
BEGIN SELECT RAISE(ABORT, 'evidence_append_only'); END;

CREATE TABLE hazard_photos (
    hazard_id TEXT NOT NULL REFERENCES hazards(id),
    phase     TEXT NOT NULL CHECK (phase IN ('before', 'after')),
    sha256    TEXT NOT NULL REFERENCES photos(sha256),
    added_at  TEXT NOT NULL,
    PRIMARY KEY (hazard_id, phase, sha256)
) WITHOUT ROWID;
CREATE TRIGGER hazard_photos_no_delete BEFORE DELETE ON hazard_photos
BEGIN SELECT RAISE(ABORT, 'evidence_append_only'); END;
