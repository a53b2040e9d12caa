-- Checklist templates come from the centre: an edition a supervisor or administrator imports
-- is sent to the server and pulled by every laptop, so a visit made with it opens wherever it
-- arrives. An edition is evidence — never replaced — and is named `key/version`. The editions
-- shipped with SafeServe are in every build and do not travel (`shipped`).
ALTER TABLE templates ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0;
UPDATE templates SET shipped = 1 WHERE (key, version) IN (VALUES
    ('agency-inspection', 1), ('enterprise-general', 1), ('dust-explosion', 1), ('dust-explosion', 2));

CREATE VIEW sync_template AS SELECT key || '/' || version AS record_id, key, version, json_object(
    'key', key, 'version', version, 'title', title, 'target', target, 'body', body,
    'imported_at', imported_at) AS body FROM templates WHERE shipped = 0;

CREATE TRIGGER sync_templates_i AFTER INSERT ON templates
    WHEN NEW.shipped = 0 AND (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'template', s.record_id, 'upsert', c.hlc, NULL, s.body
        FROM sync_template s JOIN sync_clock c WHERE s.key = NEW.key AND s.version = NEW.version;
END;

-- Editions imported before templates travelled are sent at the next sync, so the visits made
-- with them open on other laptops.
UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
    SELECT lower(hex(randomblob(16))), 'template', s.record_id, 'upsert', c.hlc, NULL, s.body
    FROM sync_template s JOIN sync_clock c;
