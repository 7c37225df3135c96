// name: follow_up_create
// mode: write
// params: id, rule, subject_id, subject_name, subject_kind, area_id, handler, due, notes, created_by, today
// purpose: Take up a gap (整改台账): a :FollowUp outside the domain graph, naming its subject by id (no relationship, so deleting the subject is not held up by it).
CREATE (f:FollowUp {id: $id, rule: $rule, subject_id: $subject_id, subject_name: $subject_name,
                    subject_kind: $subject_kind, area_id: $area_id, handler: $handler, due: $due,
                    notes: $notes, status: 'open', taken_on: $today, created_by: $created_by,
                    created_at: datetime(), updated_at: datetime()})
RETURN f.id AS id
