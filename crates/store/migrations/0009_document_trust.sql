-- Which signers a laptop believes. A device key counts when it is this laptop's own (held in
-- its keyring, never read from here) or when the bureau vouched for it: the certificate the
-- central server issued at the device's enrolment, naming its user, role and record key, and
-- checked against the bureau's root held here. A key that someone merely inserted into this
-- table vouches for nothing.
ALTER TABLE devices ADD COLUMN certificate TEXT;

-- This laptop's own certificate (PEM) and the bureau's root (PEM), both from enrolment, and
-- the bureau's public address, which the QR codes of the documents printed here open.
ALTER TABLE sync_account ADD COLUMN document_certificate TEXT;
ALTER TABLE sync_account ADD COLUMN bureau_authority TEXT;
ALTER TABLE sync_account ADD COLUMN verify_url TEXT;

-- A document travels with its device's certificate, so every laptop in scope can check who
-- vouched for the key that signed it.
DROP VIEW sync_document;
CREATE VIEW sync_document AS SELECT d.id AS record_id, json_object(
    'id', d.id, 'kind', d.kind, 'version', d.version, 'replaces', d.replaces, 'visit_id', d.visit_id,
    'enterprise_id', d.enterprise_id, 'agency_id', d.agency_id, 'content', CAST(d.content AS TEXT),
    'content_hash', d.content_hash, 'device_key', d.device_key, 'device_label', dv.label,
    'device_certificate', dv.certificate,
    'signature', d.signature, 'verification_code', d.verification_code, 'signed_at', d.signed_at) AS body
    FROM documents d JOIN devices dv ON dv.public_key = d.device_key;
