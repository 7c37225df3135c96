// name: follow_up_open
// mode: read
// params: area
// purpose: The follow-ups not closed under $area (null: anywhere), by rule: what reconcile checks against each rule's gaps.
MATCH (f:FollowUp)
WHERE f.status <> 'closed'
  AND ($area IS NULL
       OR EXISTS { MATCH (:Area {id: f.area_id})-[:PART_OF*0..8]->(:Area {id: $area}) })
RETURN f.rule AS rule, collect({id: f.id, subject_id: f.subject_id}) AS open
ORDER BY rule
