-- The server's first schema. `IF NOT EXISTS` throughout: servers from before numbered
-- migrations hold exactly these tables with user_version 0, and take this step as a no-op.
CREATE TABLE IF NOT EXISTS users (
    name     TEXT PRIMARY KEY,
    role     TEXT NOT NULL,
    agency   TEXT,
    division TEXT
);
CREATE TABLE IF NOT EXISTS enrolments (
    code_hash  TEXT PRIMARY KEY,
    user       TEXT NOT NULL REFERENCES users(name),
    expires_ms INTEGER NOT NULL,
    used_ms    INTEGER
);
CREATE TABLE IF NOT EXISTS devices (
    id             TEXT PRIMARY KEY,
    user           TEXT NOT NULL REFERENCES users(name),
    label          TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    enrolled_at_ms INTEGER NOT NULL,
    revoked_at_ms  INTEGER,
    clock_skew_ms  INTEGER
);
CREATE TABLE IF NOT EXISTS signing_keys (
    public_key    TEXT PRIMARY KEY,
    label         TEXT NOT NULL,
    registered_ms INTEGER NOT NULL
);
-- Tokens are stored as SHA-256 hashes only.
CREATE TABLE IF NOT EXISTS tokens (
    hash       TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL REFERENCES devices(id),
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_ms INTEGER NOT NULL,
    used_ms    INTEGER
);
CREATE INDEX IF NOT EXISTS tokens_device ON tokens(device_id);

-- The change log. `seq` is the receipt and the pull cursor; `current` marks the change that
-- is its record's value (only those are pulled). Changes the server writes itself (conflicts,
-- a record re-sent to a newly granted scope) have no change id.
CREATE TABLE IF NOT EXISTS changes (
    seq         INTEGER PRIMARY KEY,
    change_id   TEXT UNIQUE,
    entity      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    op          TEXT NOT NULL,
    hlc         INTEGER NOT NULL,
    node        TEXT NOT NULL,
    body        TEXT,
    device_id   TEXT,
    received_ms INTEGER NOT NULL,
    outcome     TEXT NOT NULL,
    current     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    hlc       INTEGER NOT NULL,
    node      TEXT NOT NULL,
    PRIMARY KEY (entity, record_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS record_scopes (
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    key       TEXT NOT NULL,
    PRIMARY KEY (entity, record_id, key)
) WITHOUT ROWID;
-- Letter reference numbers (文号), one series per bureau prefix and year for every laptop: given
-- out here at approval (idempotent per inspection visit) or registered when a letter numbered
-- offline arrives. A number is never given to two letters.
CREATE TABLE IF NOT EXISTS letter_numbers (
    prefix    TEXT NOT NULL,
    year      INTEGER NOT NULL,
    number    INTEGER NOT NULL,
    visit_id  TEXT NOT NULL UNIQUE,
    user      TEXT,
    device_id TEXT,
    issued_ms INTEGER NOT NULL,
    PRIMARY KEY (prefix, year, number)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS photos (
    sha256      TEXT PRIMARY KEY,
    bytes       INTEGER NOT NULL,
    received_ms INTEGER NOT NULL
) WITHOUT ROWID;
