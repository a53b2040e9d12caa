-- The person in the register the server linked this laptop's user to (`safeserve-server admin
-- user add --person`): the visiting side of a signature is that person, with their
-- certificates. Absent for a user the server linked to nobody.
ALTER TABLE sync_account ADD COLUMN person_id TEXT;

-- A user is linked at enrolment, before the first pull brings the person: `users.person_id`
-- can no longer require the person to be here already. A link to a person not (yet) held
-- signs with the user's own name (`Store::signer`).
CREATE TABLE users_linked (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    person_id      TEXT,
    password       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    failed         INTEGER NOT NULL DEFAULT 0,
    retry_after_ms INTEGER NOT NULL DEFAULT 0
);
INSERT INTO users_linked SELECT id, name, display_name, role, person_id, password, created_at, failed, retry_after_ms
    FROM users;
DROP TABLE users;
ALTER TABLE users_linked RENAME TO users;
