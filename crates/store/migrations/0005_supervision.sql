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

-- Supervision records travel like the rest (see 0004 and docs/sync.md): a letter's draft is a
-- register edited until approval; replies, evaluations and the blacklist are evidence, written
-- once. Grades are not sent: every database grades from the same synced records.
CREATE UNIQUE INDEX letter_events_once ON letter_events(letter_id, kind, recorded_at);

CREATE VIEW sync_letter_draft AS SELECT visit_id AS record_id, json_object(
    'visit_id', visit_id, 'findings', findings, 'demands', demands, 'reply_days', reply_days,
    'drafted_by', drafted_by, 'updated_at', updated_at) AS body FROM letter_drafts;

CREATE VIEW sync_letter_event AS SELECT letter_id || '/' || kind || '/' || recorded_at AS record_id, seq, json_object(
    'letter_id', letter_id, 'kind', kind, 'on_date', on_date, 'note', note, 'recorded_by', recorded_by,
    'recorded_at', recorded_at) AS body FROM letter_events;

CREATE VIEW sync_evaluation AS SELECT id AS record_id, json_object(
    'id', id, 'agency_id', agency_id, 'rater_kind', rater_kind, 'enterprise_id', enterprise_id,
    'visit_id', visit_id, 'rater', rater, 'quality', quality, 'timeliness', timeliness, 'fees', fees,
    'note', note, 'rated_on', rated_on, 'recorded_at', recorded_at) AS body FROM evaluations;

CREATE VIEW sync_blacklist_entry AS SELECT id AS record_id, json_object(
    'id', id, 'subject_kind', subject_kind, 'subject_id', subject_id, 'ground', ground,
    'evidence', evidence, 'evidence_ref', evidence_ref, 'entered_by', entered_by,
    'entered_on', entered_on, 'recorded_at', recorded_at) AS body FROM blacklist_entries;

CREATE VIEW sync_blacklist_lift AS SELECT entry_id AS record_id, json_object(
    'entry_id', entry_id, 'reason', reason, 'lifted_by', lifted_by, 'lifted_on', lifted_on) AS body
    FROM blacklist_lifts;

CREATE TRIGGER sync_letter_drafts_i AFTER INSERT ON letter_drafts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'letter_draft', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_letter_draft s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'letter_draft' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.visit_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'letter_draft', s.record_id, c.hlc, c.node FROM sync_letter_draft s JOIN sync_clock c WHERE s.record_id = NEW.visit_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_letter_drafts_u AFTER UPDATE ON letter_drafts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'letter_draft', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_letter_draft s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'letter_draft' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.visit_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'letter_draft', s.record_id, c.hlc, c.node FROM sync_letter_draft s JOIN sync_clock c WHERE s.record_id = NEW.visit_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_letter_events_i AFTER INSERT ON letter_events WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'letter_event', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_letter_event s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'letter_event' AND v.record_id = s.record_id
        WHERE s.seq = NEW.seq;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'letter_event', s.record_id, c.hlc, c.node FROM sync_letter_event s JOIN sync_clock c WHERE s.seq = NEW.seq
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_evaluations_i AFTER INSERT ON evaluations WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'evaluation', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_evaluation s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'evaluation' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'evaluation', s.record_id, c.hlc, c.node FROM sync_evaluation s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_blacklist_entries_i AFTER INSERT ON blacklist_entries WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'blacklist_entry', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_blacklist_entry s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'blacklist_entry' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'blacklist_entry', s.record_id, c.hlc, c.node FROM sync_blacklist_entry s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_blacklist_lifts_i AFTER INSERT ON blacklist_lifts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'blacklist_lift', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_blacklist_lift s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'blacklist_lift' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.entry_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'blacklist_lift', s.record_id, c.hlc, c.node FROM sync_blacklist_lift s JOIN sync_clock c WHERE s.record_id = NEW.entry_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;
