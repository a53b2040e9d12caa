-- A pulled change this laptop cannot apply yet — its parent has not arrived (the server hands
-- out records in the order they last changed: a visit ended after its answers comes after
-- them), or a local rule refuses it — waits here with its reason instead of being dropped. It
-- is tried again after every pulled page and shown on the sync screen and by `safeserve sync`
-- until it applies. One row per record: a newer version of the record replaces the one waiting.
CREATE TABLE sync_waiting (
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  op TEXT NOT NULL,
  hlc INTEGER NOT NULL,
  node TEXT NOT NULL,
  body TEXT,
  reason TEXT NOT NULL,
  since TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  PRIMARY KEY (entity, record_id)
) WITHOUT ROWID;
