// name: follow_up_list
// mode: read
// params: scope, area, statuses, rule, overdue, today, skip, limit
// purpose: A page of follow-ups in the area scope $scope and under $area (null: anywhere), with the statuses $statuses (null: any), of the rule $rule (null: any), only those past due and not closed when $overdue; active ones first, then by due date and id. One row: the page and the total.
MATCH (f:FollowUp)
WHERE ($statuses IS NULL OR f.status IN $statuses)
  AND ($rule IS NULL OR f.rule = $rule)
  AND (NOT $overdue OR (f.status <> 'closed' AND f.due < $today))
  AND ($scope IS NULL
       OR EXISTS { MATCH (:Area {id: f.area_id})-[:PART_OF*0..8]->(top:Area) WHERE top.id IN $scope })
  AND ($area IS NULL
       OR EXISTS { MATCH (:Area {id: f.area_id})-[:PART_OF*0..8]->(:Area {id: $area}) })
WITH f ORDER BY f.status = 'closed', f.due, f.id
WITH collect(f) AS found
UNWIND (CASE WHEN size(found) = 0 THEN [null] ELSE found[$skip..$skip + $limit] END) AS f
OPTIONAL MATCH (a:Area {id: f.area_id})
WITH size(found) AS total, collect(f {.*, area_name: a.name}) AS items
RETURN total, items
