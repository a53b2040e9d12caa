-- The audit log (safeserve_core::audit): who did what at this laptop and when. Append-only:
-- the triggers refuse any change or removal, and each entry's hash chains it to the one
-- before, so a change made around the triggers is found when the log is read.

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   TEXT,
    user_name TEXT NOT NULL,
    role      TEXT,
    act       TEXT NOT NULL,
    subject   TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    hash      TEXT NOT NULL
);

CREATE TRIGGER audit_log_never_changes BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_never_shrinks BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
