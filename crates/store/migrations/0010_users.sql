-- The people who sign in to this laptop. A laptop never enrolled has the users made on it (the
-- first at first start); an enrolled laptop's user takes the role the server gave it. Not
-- synced: a password never leaves the laptop it was set on.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    -- What is typed to sign in; unique whatever the case.
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    -- Who the user is, as documents and the audit name them.
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    -- The register's person, when the user is one (their certificates sign with them).
    person_id      TEXT REFERENCES people(id),
    -- Argon2id in PHC form: the salt and the parameters travel with the hash.
    password       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    -- Wrong passwords in a row, and until when the next try is refused (milliseconds).
    failed         INTEGER NOT NULL DEFAULT 0,
    retry_after_ms INTEGER NOT NULL DEFAULT 0
);
