-- Signed documents (R6): the printed forms frozen at signing. A row is never updated or deleted:
-- a correction is a new row, one version up, naming the document it replaces.

-- Devices whose Ed25519 keys signed documents here (this laptop's own, and those arriving by sync).
CREATE TABLE devices (
    public_key TEXT PRIMARY KEY,   -- hex
    label      TEXT NOT NULL,
    first_seen TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE documents (
    seq               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    version           INTEGER NOT NULL CHECK (version >= 1),
    -- A document is corrected at most once; the correction carries the next version.
    replaces          TEXT UNIQUE REFERENCES documents(id),
    visit_id          TEXT REFERENCES visits(id),
    enterprise_id     TEXT REFERENCES enterprises(id),
    agency_id         TEXT REFERENCES agencies(id),
    -- The canonical JSON exactly as hashed and signed.
    content           BLOB NOT NULL,
    content_hash      TEXT NOT NULL,
    device_key        TEXT NOT NULL REFERENCES devices(public_key),
    signature         TEXT NOT NULL,
    verification_code TEXT NOT NULL UNIQUE,
    signed_at         TEXT NOT NULL
);
CREATE INDEX documents_visit ON documents(visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX documents_enterprise ON documents(enterprise_id, seq) WHERE enterprise_id IS NOT NULL;
CREATE INDEX documents_agency ON documents(agency_id, seq) WHERE agency_id IS NOT NULL;

CREATE TRIGGER documents_kept BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'signed documents are never deleted');
END;

CREATE TRIGGER documents_frozen BEFORE UPDATE ON documents
BEGIN
    SELECT RAISE(ABORT, 'signed documents are never changed; sign a correction instead');
END;

-- Letter reference numbers (文号) given out, per prefix and year: never reused, no gaps.
CREATE TABLE letter_numbers (
    prefix TEXT NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
) WITHOUT ROWID;
