-- The current contracts of an enterprise, for R9 checked again when a commission arrives: an
-- index on the enterprise a contract names, over current contract values only.
CREATE INDEX changes_current_contract_enterprise ON changes(json_extract(body, '$.enterprise_id'))
    WHERE entity = 'contract' AND current = 1;
