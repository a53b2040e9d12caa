-- The person in the register a user is (`admin user add NAME --person ID`): a laptop enrolled
-- to the user signs documents with that person's name and certificates.
ALTER TABLE users ADD COLUMN person TEXT;
