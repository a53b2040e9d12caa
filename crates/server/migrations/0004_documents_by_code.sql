-- The public verification page (`/verify/…`) finds a document by the code printed on it, and
-- its newer versions by the document each replaces: indexes over current document values.
CREATE INDEX changes_current_document_code ON changes(json_extract(body, '$.verification_code'))
    WHERE entity = 'document' AND current = 1;
CREATE INDEX changes_current_document_replaces ON changes(json_extract(body, '$.replaces'))
    WHERE entity = 'document' AND current = 1;
