-- A laptop's recovery key: 32 random bytes the laptop sealed its database key under at
-- enrolment and gave the server, so that an administrator can let a user who forgot their
-- password in again. It opens nothing without the laptop's own key file.
ALTER TABLE devices ADD COLUMN recovery_key TEXT;

-- One-time password-reset codes an administrator issues (`admin reset-password`); only
-- their hash is kept. A code releases the recovery key of a device of its user, once.
CREATE TABLE IF NOT EXISTS password_resets (
    code_hash  TEXT PRIMARY KEY,
    user       TEXT NOT NULL REFERENCES users(name),
    expires_ms INTEGER NOT NULL,
    used_ms    INTEGER,
    device_id  TEXT REFERENCES devices(id)
);
