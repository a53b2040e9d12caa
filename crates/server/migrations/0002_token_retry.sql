-- Refresh tokens that survive a lost reply (docs/sync.md, *Devices and tokens*). Each token
-- minted in exchange for a refresh token names it as `parent`; `used_ms` on an access token is
-- its first presentation. A refresh token presented again while none of its children has been
-- used (the reply was lost on the way) gets a new pair, and the unused children are marked
-- `superseded_ms`: presenting one of those later means two holders, and revokes the device.
ALTER TABLE tokens ADD COLUMN parent TEXT;
ALTER TABLE tokens ADD COLUMN superseded_ms INTEGER;
CREATE INDEX tokens_parent ON tokens(parent) WHERE parent IS NOT NULL;
