// name: visible_ids
// mode: read
// params: ids, scope
// purpose: Which of the entity ids $ids exist and lie in the area scope $scope (see the visible fragment).
UNWIND $ids AS wanted
MATCH (x:Entity {id: wanted})
WHERE {{> visible x}}
RETURN collect(DISTINCT x.id) AS visible
