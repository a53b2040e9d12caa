-- A hazard of an ended visit stays frozen, with one exception: a field a signed hazard list or
-- rectification notice needs and the hazard lacks (an empty measure or responsible person) may
-- be filled in until the visit's documents are signed. The store does it together with a
-- `supplemented` event that records the value, so the record says what was added and when;
-- nothing already written can change.
DROP TRIGGER hazards_frozen;
CREATE TRIGGER hazards_frozen BEFORE UPDATE ON hazards
WHEN (SELECT ended_at FROM visits WHERE id = OLD.visit_id) IS NOT NULL
  AND NOT (NEW.seq IS OLD.seq AND NEW.id IS OLD.id AND NEW.visit_id IS OLD.visit_id
    AND NEW.enterprise_id IS OLD.enterprise_id AND NEW.agency_id IS OLD.agency_id
    AND NEW.item_code IS OLD.item_code AND NEW.description IS OLD.description
    AND NEW.location IS OLD.location AND NEW.category IS OLD.category AND NEW.level IS OLD.level
    AND NEW.basis IS OLD.basis AND NEW.deadline IS OLD.deadline AND NEW.created_at IS OLD.created_at
    AND (NEW.measure IS OLD.measure OR trim(OLD.measure) = '')
    AND (NEW.responsible IS OLD.responsible OR trim(OLD.responsible) = ''))
BEGIN SELECT RAISE(ABORT, 'hazard_frozen'); END;
