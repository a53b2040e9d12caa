-- SafeServe local store, version 5: supervision of agencies — published fees and contract
-- terms (R2, R3), letters and their replies (R12), evaluations (R13), credit grades (R10) and
-- the serious-dishonesty list (R11). Everything that is a finding or a decision is append-only.

-- R2: the reference fees an agency publishes, per service type, in fen for one year of service
-- ({"safety_management": 1200000, ...}).
ALTER TABLE agencies ADD COLUMN reference_fees TEXT NOT NULL DEFAULT '{}';

-- R3: the written terms beyond the columns of version 1 (core::contract::ContractTerms as JSON),
-- and where and when the contract was filed (报备) with the township/street.
ALTER TABLE contracts ADD COLUMN terms TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contracts ADD COLUMN filed_with TEXT;
ALTER TABLE contracts ADD COLUMN filed_on TEXT;

DROP VIEW sync_agency;
CREATE VIEW sync_agency AS SELECT id AS record_id, json_object(
    'id', id, 'credit_code', credit_code, 'name', name, 'address', address,
    'office_area_m2', office_area_m2, 'division', division, 'service_types', service_types,
    'high_risk_industries', high_risk_industries, 'platform_registered', platform_registered,
    'documents', documents, 'created_at', created_at, 'reference_fees', reference_fees) AS body FROM agencies;

DROP VIEW sync_contract;
CREATE VIEW sync_contract AS SELECT id AS record_id, json_object(
    'id', id, 'agency_id', agency_id, 'enterprise_id', enterprise_id, 'service_types', service_types,
    'content', content, 'visits_per_year', visits_per_year, 'starts_on', starts_on, 'ends_on', ends_on,
    'fee_fen', fee_fen, 'acceptance_standard', acceptance_standard, 'filed', filed,
    'government_commissioned', government_commissioned, 'created_at', created_at,
    'terms', terms, 'filed_with', filed_with, 'filed_on', filed_on) AS body FROM contracts;

-- A letter (函告) being composed from an agency inspection, before a supervisor approves it.
-- Approval signs the letter form (a document); the draft stays as it was approved.
CREATE TABLE letter_drafts (
    visit_id   TEXT PRIMARY KEY REFERENCES visits(id),
    findings   TEXT NOT NULL,   -- JSON [core::letter::Finding], each with its evidence
    demands    TEXT NOT NULL,   -- JSON [String]
    reply_days INTEGER NOT NULL CHECK (reply_days BETWEEN 1 AND 90),
    drafted_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- What happened after a letter went out: the agency's written reply, and the bureau's
-- acceptance or rejection of it. Never changed; a later event supersedes an earlier one.
CREATE TABLE letter_events (
    seq         INTEGER PRIMARY KEY,
    letter_id   TEXT NOT NULL REFERENCES documents(id),
    kind        TEXT NOT NULL CHECK (kind IN ('replied', 'accepted', 'rejected')),
    on_date     TEXT NOT NULL,
    note        TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX letter_events_letter ON letter_events(letter_id, seq);

-- R13: ratings of an agency by an enterprise it serves or by an inspector from a check, 1–5.
CREATE TABLE evaluations (
    seq           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    agency_id     TEXT NOT NULL REFERENCES agencies(id),
    rater_kind    TEXT NOT NULL CHECK (rater_kind IN ('enterprise', 'inspector')),
    enterprise_id TEXT REFERENCES enterprises(id),
    visit_id      TEXT REFERENCES visits(id),
    rater         TEXT NOT NULL,
    quality       INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    timeliness    INTEGER NOT NULL CHECK (timeliness BETWEEN 1 AND 5),
    fees          INTEGER NOT NULL CHECK (fees BETWEEN 1 AND 5),
    note          TEXT NOT NULL,
    rated_on      TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
);
CREATE INDEX evaluations_agency ON evaluations(agency_id, rated_on);

-- R10: every change of an agency's credit grade, with the score and the reasons behind it.
CREATE TABLE grade_changes (
    seq        INTEGER PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    grade      TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D')),
    previous   TEXT CHECK (previous IN ('A', 'B', 'C', 'D')),
    score      REAL NOT NULL,
    reasons    TEXT NOT NULL,   -- JSON [core::grading::Deduction]
    rules      TEXT NOT NULL,   -- the rule file's name and version the grade was computed with
    changed_at TEXT NOT NULL
);
CREATE INDEX grade_changes_agency ON grade_changes(agency_id, seq);

-- R11: the serious-dishonesty list. An entry names one of the four grounds and its evidence;
-- lifting it is a second record, never a deletion.
CREATE TABLE blacklist_entries (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('agency', 'person')),
    subject_id   TEXT NOT NULL,
    ground       TEXT NOT NULL,
    evidence     TEXT NOT NULL CHECK (length(trim(evidence)) > 0),
    evidence_ref TEXT,          -- a document, visit or letter id the evidence is in
    entered_by   TEXT NOT NULL,
    entered_on   TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX blacklist_subject ON blacklist_entries(subject_kind, subject_id);

CREATE TABLE blacklist_lifts (
    entry_id   TEXT PRIMARY KEY REFERENCES blacklist_entries(id),
    reason     TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    lifted_by  TEXT NOT NULL,
    lifted_on  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER letter_events_kept BEFORE UPDATE ON letter_events
BEGIN SELECT RAISE(ABORT, 'letter events are never changed'); END;
CREATE TRIGGER letter_events_not_deleted BEFORE DELETE ON letter_events
BEGIN SELECT RAISE(ABORT, 'letter events are never deleted'); END;
CREATE TRIGGER evaluations_kept BEFORE UPDATE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are never changed'); END;
CREATE TRIGGER evaluations_not_deleted BEFORE DELETE ON evaluations
BEGIN SELECT RAISE(ABORT, 'evaluations are never deleted'); END;
CREATE TRIGGER grade_changes_kept BEFORE UPDATE ON grade_changes
BEGIN SELECT RAISE(ABORT, 'grade history is never changed'); END;
CREATE TRIGGER grade_changes_not_deleted BEFORE DELETE ON grade_changes
BEGIN SELECT RAISE(ABORT, 'grade history is never deleted'); END;
CREATE TRIGGER blacklist_entries_kept BEFORE UPDATE ON blacklist_entries
BEGIN SELECT RAISE(ABORT, 'blacklist entries are never changed; lift them instead'); END;
CREATE TRIGGER blacklist_entries_not_deleted BEFORE DELETE ON blacklist_entries
BEGIN SELECT RAISE(ABORT, 'blacklist entries are never deleted; lift them instead'); END;
CREATE TRIGGER blacklist_lifts_kept BEFORE UPDATE ON blacklist_lifts
BEGIN SELECT RAISE(ABORT, 'blacklist lifts are never changed'); END;
CREATE TRIGGER blacklist_lifts_not_deleted BEFORE DELETE ON blacklist_lifts
BEGIN SELECT RAISE(ABORT, 'blacklist lifts are never deleted'); END;
