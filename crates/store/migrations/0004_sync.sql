-- Sync with the central server (see docs/sync.md).
--
-- Every write to a synced table puts a change in `outbox` from a trigger, so the change is
-- written in the same transaction as the record and cannot be lost or forgotten by a code
-- path. A change carries the whole record as JSON (the `sync_*` views below), a hybrid
-- logical clock value and the clock value of the version it was made from (`base_hlc`), which
-- lets the server tell a concurrent edit (a conflict) from a sequential one.
-- Changes applied from the server do not go back into the outbox: `sync_clock.applying` is
-- set inside the applying transaction (and reset whenever the database is opened).

CREATE TABLE sync_clock (
    one      INTEGER PRIMARY KEY CHECK (one = 1),
    -- Hybrid logical clock: milliseconds since 1970 × 65536 + a logical counter.
    hlc      INTEGER NOT NULL,
    -- This database's node name, the tie-breaker between equal clock values.
    node     TEXT NOT NULL,
    applying INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_clock(one, hlc, node) VALUES (1, 0, lower(hex(randomblob(8))));

CREATE TABLE outbox (
    seq       INTEGER PRIMARY KEY,
    change_id TEXT NOT NULL UNIQUE,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    hlc       INTEGER NOT NULL,
    base_hlc  INTEGER,
    body      TEXT,
    -- The server's receipt: its sequence number for the change, stored when the server
    -- answered. A change is synced only once this is set.
    receipt   INTEGER,
    -- 'applied', 'superseded' (a newer value won), or 'refused' with the reason in `refusal`.
    outcome   TEXT,
    refusal   TEXT
);
CREATE INDEX outbox_pending ON outbox(seq) WHERE receipt IS NULL AND outcome IS NULL;

-- The clock value of the version of each record this database holds.
CREATE TABLE sync_versions (
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    hlc       INTEGER NOT NULL,
    node      TEXT NOT NULL,
    PRIMARY KEY (entity, record_id)
) WITHOUT ROWID;

-- Where this database syncs to, and how far it has pulled.
CREATE TABLE sync_account (
    one           INTEGER PRIMARY KEY CHECK (one = 1),
    server        TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    cursor        INTEGER NOT NULL DEFAULT 0,
    last_sync     TEXT,
    last_error    TEXT,
    clock_skew_ms INTEGER
);

-- Concurrent edits of one record, as decided by the server: the value kept and the value that
-- lost, both whole. Nothing is dropped; a person reviews them.
CREATE TABLE sync_conflicts (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    kept        TEXT NOT NULL,
    lost        TEXT NOT NULL,
    kept_node   TEXT NOT NULL,
    lost_node   TEXT NOT NULL,
    at          TEXT NOT NULL,
    reviewed_at TEXT
);

-- Records pulled in bulk whose search index entries are still to be written (a first pull
-- indexes them all at its end, in one transaction; a crash leaves them here for the next one).
CREATE TABLE search_pending (
    register TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (register, seq)
) WITHOUT ROWID;

-- Photos this database holds but whose original the server has not confirmed yet.
CREATE TABLE sync_photos (
    sha256   TEXT PRIMARY KEY,
    uploaded INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The record bodies as they travel. Keys are column names; rows that point at another row by
-- its local `seq` carry that row's id instead.
CREATE VIEW sync_agency AS SELECT id AS record_id, json_object(
    'id', id, 'credit_code', credit_code, 'name', name, 'address', address,
    'office_area_m2', office_area_m2, 'division', division, 'service_types', service_types,
    'high_risk_industries', high_risk_industries, 'platform_registered', platform_registered,
    'documents', documents, 'created_at', created_at) AS body FROM agencies;

CREATE VIEW sync_enterprise AS SELECT id AS record_id, json_object(
    'id', id, 'credit_code', credit_code, 'name', name, 'address', address, 'division', division,
    'industry', industry, 'high_risk', high_risk, 'size', size, 'park', park, 'principal', principal,
    'safety_contact', safety_contact, 'phone', phone, 'created_at', created_at) AS body FROM enterprises;

CREATE VIEW sync_person AS SELECT p.id AS record_id, json_object(
    'id', p.id, 'id_number', p.id_number, 'name', p.name, 'phone', p.phone, 'created_at', p.created_at,
    'certificates', (SELECT json_group_array(json_object('kind', kind, 'number', number, 'issuer', issuer,
        'specialty', specialty, 'expires_on', expires_on)) FROM certificates c WHERE c.person_id = p.id),
    'employments', (SELECT json_group_array(json_object('agency_id', agency_id, 'role', role,
        'full_time', full_time)) FROM employments e WHERE e.person_id = p.id),
    'capability_tests', (SELECT json_group_array(json_object('taken_on', taken_on, 'score', score,
        'passed', passed)) FROM capability_tests t WHERE t.person_id = p.id)) AS body FROM people p;

CREATE VIEW sync_contract AS SELECT id AS record_id, json_object(
    'id', id, 'agency_id', agency_id, 'enterprise_id', enterprise_id, 'service_types', service_types,
    'content', content, 'visits_per_year', visits_per_year, 'starts_on', starts_on, 'ends_on', ends_on,
    'fee_fen', fee_fen, 'acceptance_standard', acceptance_standard, 'filed', filed,
    'government_commissioned', government_commissioned, 'created_at', created_at) AS body FROM contracts;

CREATE VIEW sync_visit AS SELECT v.id AS record_id, json_object(
    'id', v.id, 'kind', v.kind, 'enterprise_id', v.enterprise_id, 'agency_id', v.agency_id,
    'template_key', v.template_key, 'template_version', v.template_version, 'started_at', v.started_at,
    'ended_at', v.ended_at, 'latitude', v.latitude, 'longitude', v.longitude, 'place', v.place,
    'assessment', v.assessment, 'plan', v.plan, 'mismatches', v.mismatches,
    'mismatch_reason', v.mismatch_reason,
    'people', (SELECT json_group_array(json_object('person_id', person_id, 'position', position,
        'certificates', certificates)) FROM visit_people vp WHERE vp.visit_id = v.id)) AS body FROM visits v;

CREATE VIEW sync_visit_item AS SELECT v.id || '/' || i.code AS record_id, i.visit_seq, i.code, json_object(
    'visit_id', v.id, 'code', i.code, 'result', i.result, 'note', i.note, 'updated_at', i.updated_at) AS body
    FROM visit_items i JOIN visits v ON v.seq = i.visit_seq;

CREATE VIEW sync_hazard AS SELECT id AS record_id, json_object(
    'id', id, 'visit_id', visit_id, 'enterprise_id', enterprise_id, 'agency_id', agency_id,
    'item_code', item_code, 'description', description, 'location', location, 'category', category,
    'level', level, 'basis', basis, 'measure', measure, 'deadline', deadline,
    'responsible', responsible, 'created_at', created_at) AS body FROM hazards;

CREATE VIEW sync_hazard_event AS SELECT h.id || '/' || ev.kind || '/' || ev.at AS record_id, ev.seq, json_object(
    'hazard_id', h.id, 'kind', ev.kind, 'at', ev.at,
    'visit_id', (SELECT id FROM visits WHERE seq = ev.visit_seq), 'note', ev.note) AS body
    FROM hazard_events ev JOIN hazards h ON h.seq = ev.hazard_seq;

CREATE VIEW sync_photo AS SELECT sha256, json_object(
    'sha256', sha256, 'format', format, 'bytes', bytes, 'width', width, 'height', height,
    'taken_at', taken_at, 'latitude', latitude, 'longitude', longitude, 'display_width', display_width,
    'display_height', display_height, 'phash', phash, 'imported_at', imported_at) AS body FROM photos;

CREATE VIEW sync_item_photo AS SELECT visit_id || '/' || code || '/' || ip.sha256 AS record_id,
    visit_id, code, ip.sha256, json_object('visit_id', visit_id, 'code', code, 'sha256', ip.sha256,
    'added_at', added_at, 'photo', json(p.body)) AS body
    FROM item_photos ip JOIN sync_photo p ON p.sha256 = ip.sha256;

CREATE VIEW sync_hazard_photo AS SELECT hazard_id || '/' || phase || '/' || hp.sha256 AS record_id,
    hazard_id, phase, hp.sha256, json_object('hazard_id', hazard_id, 'phase', phase, 'sha256', hp.sha256,
    'added_at', added_at, 'photo', json(p.body)) AS body
    FROM hazard_photos hp JOIN sync_photo p ON p.sha256 = hp.sha256;

-- A signed document travels with the device key that signed it; `content` is the canonical
-- JSON exactly as signed, carried as text so its bytes (and hash) arrive unchanged.
CREATE VIEW sync_document AS SELECT d.id AS record_id, json_object(
    'id', d.id, 'kind', d.kind, 'version', d.version, 'replaces', d.replaces, 'visit_id', d.visit_id,
    'enterprise_id', d.enterprise_id, 'agency_id', d.agency_id, 'content', CAST(d.content AS TEXT),
    'content_hash', d.content_hash, 'device_key', d.device_key, 'device_label', dv.label,
    'signature', d.signature, 'verification_code', d.verification_code, 'signed_at', d.signed_at) AS body
    FROM documents d JOIN devices dv ON dv.public_key = d.device_key;

-- One trigger body per synced change: tick the clock, queue the change, remember the version.
-- (SQLite has no trigger macros; each trigger below repeats the pattern with its own key.)
CREATE TRIGGER sync_agencies_i AFTER INSERT ON agencies WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'agency', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_agency s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'agency' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'agency', s.record_id, c.hlc, c.node FROM sync_agency s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_agencies_u AFTER UPDATE ON agencies WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'agency', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_agency s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'agency' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'agency', s.record_id, c.hlc, c.node FROM sync_agency s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_enterprises_i AFTER INSERT ON enterprises WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'enterprise', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_enterprise s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'enterprise' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'enterprise', s.record_id, c.hlc, c.node FROM sync_enterprise s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_enterprises_u AFTER UPDATE ON enterprises WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'enterprise', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_enterprise s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'enterprise' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'enterprise', s.record_id, c.hlc, c.node FROM sync_enterprise s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_people_i AFTER INSERT ON people WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_people_u AFTER UPDATE ON people WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_contracts_i AFTER INSERT ON contracts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'contract', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_contract s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'contract' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'contract', s.record_id, c.hlc, c.node FROM sync_contract s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_contracts_u AFTER UPDATE ON contracts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'contract', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_contract s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'contract' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'contract', s.record_id, c.hlc, c.node FROM sync_contract s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visits_i AFTER INSERT ON visits WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit', s.record_id, c.hlc, c.node FROM sync_visit s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visits_u AFTER UPDATE ON visits WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit', s.record_id, c.hlc, c.node FROM sync_visit s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_hazards_i AFTER INSERT ON hazards WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'hazard', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_hazard s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'hazard' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'hazard', s.record_id, c.hlc, c.node FROM sync_hazard s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_hazards_u AFTER UPDATE ON hazards WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'hazard', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_hazard s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'hazard' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'hazard', s.record_id, c.hlc, c.node FROM sync_hazard s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_certificates_i AFTER INSERT ON certificates WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_certificates_u AFTER UPDATE ON certificates WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_certificates_d AFTER DELETE ON certificates WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = OLD.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = OLD.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_employments_i AFTER INSERT ON employments WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_employments_u AFTER UPDATE ON employments WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_employments_d AFTER DELETE ON employments WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = OLD.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = OLD.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_capability_tests_i AFTER INSERT ON capability_tests WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_capability_tests_u AFTER UPDATE ON capability_tests WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_capability_tests_d AFTER DELETE ON capability_tests WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = OLD.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = OLD.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_people_i AFTER INSERT ON visit_people WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.visit_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit', s.record_id, c.hlc, c.node FROM sync_visit s JOIN sync_clock c WHERE s.record_id = NEW.visit_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_people_u AFTER UPDATE ON visit_people WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.visit_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit', s.record_id, c.hlc, c.node FROM sync_visit s JOIN sync_clock c WHERE s.record_id = NEW.visit_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_people_d AFTER DELETE ON visit_people WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit' AND v.record_id = s.record_id
        WHERE s.record_id = OLD.visit_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit', s.record_id, c.hlc, c.node FROM sync_visit s JOIN sync_clock c WHERE s.record_id = OLD.visit_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_items_i AFTER INSERT ON visit_items WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit_item', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit_item s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit_item' AND v.record_id = s.record_id
        WHERE s.visit_seq = NEW.visit_seq AND s.code = NEW.code;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit_item', s.record_id, c.hlc, c.node FROM sync_visit_item s JOIN sync_clock c WHERE s.visit_seq = NEW.visit_seq AND s.code = NEW.code
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_items_u AFTER UPDATE ON visit_items WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit_item', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_visit_item s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'visit_item' AND v.record_id = s.record_id
        WHERE s.visit_seq = NEW.visit_seq AND s.code = NEW.code;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit_item', s.record_id, c.hlc, c.node FROM sync_visit_item s JOIN sync_clock c WHERE s.visit_seq = NEW.visit_seq AND s.code = NEW.code
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_visit_items_d AFTER DELETE ON visit_items WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'visit_item', ((SELECT id FROM visits WHERE seq = OLD.visit_seq) || '/' || OLD.code), 'delete', c.hlc,
            (SELECT hlc FROM sync_versions WHERE entity = 'visit_item' AND record_id = ((SELECT id FROM visits WHERE seq = OLD.visit_seq) || '/' || OLD.code)), NULL FROM sync_clock c;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'visit_item', ((SELECT id FROM visits WHERE seq = OLD.visit_seq) || '/' || OLD.code), c.hlc, c.node FROM sync_clock c WHERE true
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_hazard_events_i AFTER INSERT ON hazard_events WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'hazard_event', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_hazard_event s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'hazard_event' AND v.record_id = s.record_id
        WHERE s.seq = NEW.seq;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'hazard_event', s.record_id, c.hlc, c.node FROM sync_hazard_event s JOIN sync_clock c WHERE s.seq = NEW.seq
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_item_photos_i AFTER INSERT ON item_photos WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'item_photo', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_item_photo s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'item_photo' AND v.record_id = s.record_id
        WHERE s.visit_id = NEW.visit_id AND s.code = NEW.code AND s.sha256 = NEW.sha256;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'item_photo', s.record_id, c.hlc, c.node FROM sync_item_photo s JOIN sync_clock c WHERE s.visit_id = NEW.visit_id AND s.code = NEW.code AND s.sha256 = NEW.sha256
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_item_photos_d AFTER DELETE ON item_photos WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'item_photo', (OLD.visit_id || '/' || OLD.code || '/' || OLD.sha256), 'delete', c.hlc,
            (SELECT hlc FROM sync_versions WHERE entity = 'item_photo' AND record_id = (OLD.visit_id || '/' || OLD.code || '/' || OLD.sha256)), NULL FROM sync_clock c;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'item_photo', (OLD.visit_id || '/' || OLD.code || '/' || OLD.sha256), c.hlc, c.node FROM sync_clock c WHERE true
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_hazard_photos_i AFTER INSERT ON hazard_photos WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'hazard_photo', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_hazard_photo s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'hazard_photo' AND v.record_id = s.record_id
        WHERE s.hazard_id = NEW.hazard_id AND s.phase = NEW.phase AND s.sha256 = NEW.sha256;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'hazard_photo', s.record_id, c.hlc, c.node FROM sync_hazard_photo s JOIN sync_clock c WHERE s.hazard_id = NEW.hazard_id AND s.phase = NEW.phase AND s.sha256 = NEW.sha256
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_documents_i AFTER INSERT ON documents WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'document', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_document s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'document' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'document', s.record_id, c.hlc, c.node FROM sync_document s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

