-- A change the server took (applied, or superseded by a newer value) no longer keeps its body
-- on the laptop: the server holds it, the record holds the laptop's value. Refused changes
-- keep theirs, to be shown. From now on `store_receipts` prunes as receipts arrive.
UPDATE outbox SET body = NULL WHERE outcome IN ('applied', 'superseded');
