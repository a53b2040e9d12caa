-- What a bureau records about an agency's standing (core::standing): the practice notice
-- (执业告知) the agency gave a county's bureau (R1), and its removal from the platform
-- (移除系统平台, R12) or restoration. Each is written once and synced as evidence; the standing
-- on a day is read from the acts, so a later edit of the agency cannot undo a removal.
CREATE TABLE agency_acts (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    kind        TEXT NOT NULL CHECK (kind IN ('practice_notice', 'platform_removal', 'platform_restoration')),
    county      TEXT,           -- a notice: the county-level division whose bureau was notified
    note        TEXT NOT NULL,  -- a removal or restoration: its reason; a notice: its reference
    decided_by  TEXT NOT NULL,
    decided_on  TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CHECK ((kind = 'practice_notice') = (county IS NOT NULL)),
    CHECK (kind = 'practice_notice' OR length(trim(note)) > 0)
);
CREATE INDEX agency_acts_agency ON agency_acts(agency_id, decided_on);

CREATE TRIGGER agency_acts_kept BEFORE UPDATE ON agency_acts
BEGIN SELECT RAISE(ABORT, 'agency acts are never changed; record a new one'); END;
CREATE TRIGGER agency_acts_not_deleted BEFORE DELETE ON agency_acts
BEGIN SELECT RAISE(ABORT, 'agency acts are never deleted; record a new one'); END;

CREATE VIEW sync_agency_act AS SELECT id AS record_id, json_object(
    'id', id, 'agency_id', agency_id, 'kind', kind, 'county', county, 'note', note,
    'decided_by', decided_by, 'decided_on', decided_on, 'recorded_at', recorded_at) AS body FROM agency_acts;

CREATE TRIGGER sync_agency_acts_i AFTER INSERT ON agency_acts WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'agency_act', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_agency_act s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'agency_act' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'agency_act', s.record_id, c.hlc, c.node FROM sync_agency_act s JOIN sync_clock c WHERE s.record_id = NEW.id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;
