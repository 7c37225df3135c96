// name: follow_up_active
// mode: read
// params: rule, subject_id
// purpose: The follow-up of a gap that is not closed, if any: a gap is taken up once at a time.
MATCH (f:FollowUp {subject_id: $subject_id})
WHERE f.rule = $rule AND f.status <> 'closed'
RETURN f.id AS id
