-- The audit log travels to the server, where a bureau reads every laptop's log and checks each
-- chain (`safeserve-server admin audit`). An entry is evidence: sent once, never changed, and
-- named by this database's node, its place in the chain and the start of its hash (a laptop put
-- back to a backup writes other entries at places already sent; the server keeps both).
-- Nobody pulls another laptop's log.

CREATE VIEW sync_audit_entry AS SELECT
    c.node || '/' || a.seq || '/' || substr(a.hash, 1, 16) AS record_id, a.seq, json_object(
    'node', c.node, 'seq', a.seq, 'at', a.at, 'user_id', a.user_id, 'user_name', a.user_name,
    'role', a.role, 'act', a.act, 'subject', a.subject, 'detail', a.detail, 'hash', a.hash) AS body
    FROM audit_log a JOIN sync_clock c;

-- Unlike a register's change, an entry is queued whoever is applying a pull: the log is
-- written by the laptop's own acts only.
CREATE TRIGGER sync_audit_log_i AFTER INSERT ON audit_log
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'audit_entry', s.record_id, 'upsert', c.hlc, NULL, s.body
        FROM sync_audit_entry s JOIN sync_clock c WHERE s.seq = NEW.seq;
END;

-- The entries written before the log travelled, in their order.
UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
    SELECT lower(hex(randomblob(16))), 'audit_entry', s.record_id, 'upsert', c.hlc + s.seq, NULL, s.body
    FROM sync_audit_entry s JOIN sync_clock c ORDER BY s.seq;
UPDATE sync_clock SET hlc = hlc + (SELECT coalesce(max(seq), 0) FROM audit_log);
