-- Training records (培训记录): courses a person completed, entered by the bureau beside the
-- capability tests. They travel inside the person, like certificates and employments.
CREATE TABLE training_records (
    person_id    TEXT NOT NULL REFERENCES people(id),
    course       TEXT NOT NULL,
    organiser    TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    hours        REAL NOT NULL CHECK (hours > 0)
);
CREATE INDEX training_records_person ON training_records(person_id, completed_on);

-- The person as it syncs, with the trainings: the triggers name this view, so it is replaced
-- in place.
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
        'passed', passed)) FROM capability_tests t WHERE t.person_id = p.id),
    'trainings', (SELECT json_group_array(json_object('course', course, 'organiser', organiser,
        'completed_on', completed_on, 'hours', hours)) FROM training_records r WHERE r.person_id = p.id))
    AS body FROM people p;

CREATE TRIGGER sync_training_records_i AFTER INSERT ON training_records WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_training_records_u AFTER UPDATE ON training_records WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = NEW.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = NEW.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;

CREATE TRIGGER sync_training_records_d AFTER DELETE ON training_records WHEN (SELECT applying FROM sync_clock) = 0
BEGIN
    UPDATE sync_clock SET hlc = max(hlc + 1, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) * 65536);
    INSERT INTO outbox(change_id, entity, record_id, op, hlc, base_hlc, body)
        SELECT lower(hex(randomblob(16))), 'person', s.record_id, 'upsert', c.hlc, v.hlc, s.body
        FROM sync_person s JOIN sync_clock c LEFT JOIN sync_versions v ON v.entity = 'person' AND v.record_id = s.record_id
        WHERE s.record_id = OLD.person_id;
    INSERT INTO sync_versions(entity, record_id, hlc, node)
        SELECT 'person', s.record_id, c.hlc, c.node FROM sync_person s JOIN sync_clock c WHERE s.record_id = OLD.person_id
        ON CONFLICT(entity, record_id) DO UPDATE SET hlc = excluded.hlc, node = excluded.node;
END;
