-- A person's certificates carry their level and issue date, and their employments the dates
-- they began and ended, as bureaus' people registers keep them. An employment that has ended
-- stays on record (who worked where, for back-traces and R15's checks) and no longer counts
-- toward the agency's R1 staff. An agency is employed at once per person: someone who leaves
-- and returns has the later term.
ALTER TABLE certificates ADD COLUMN level TEXT;
ALTER TABLE certificates ADD COLUMN issued_on TEXT;
ALTER TABLE employments ADD COLUMN started_on TEXT;
ALTER TABLE employments ADD COLUMN ended_on TEXT;

-- The person as it syncs, with the new fields: the triggers name this view, so it is
-- replaced in place.
DROP VIEW sync_person;
CREATE VIEW sync_person AS SELECT p.id AS record_id, json_object(
    'id', p.id, 'id_number', p.id_number, 'name', p.name, 'phone', p.phone, 'created_at', p.created_at,
    'certificates', (SELECT json_group_array(json_object('kind', kind, 'number', number, 'issuer', issuer,
        'specialty', specialty, 'expires_on', expires_on, 'level', level, 'issued_on', issued_on))
        FROM certificates c WHERE c.person_id = p.id),
    'employments', (SELECT json_group_array(json_object('agency_id', agency_id, 'role', role,
        'full_time', full_time, 'started_on', started_on, 'ended_on', ended_on))
        FROM employments e WHERE e.person_id = p.id),
    'capability_tests', (SELECT json_group_array(json_object('taken_on', taken_on, 'score', score,
        'passed', passed)) FROM capability_tests t WHERE t.person_id = p.id)) AS body FROM people p;
