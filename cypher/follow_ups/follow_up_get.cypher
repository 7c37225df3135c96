// name: follow_up_get
// mode: read
// params: id, scope
// purpose: One follow-up, when it lies in the area scope $scope (its area's subtree; null = everything). A follow-up lies where its subject lay when it was taken up.
MATCH (f:FollowUp {id: $id})
WHERE $scope IS NULL
   OR EXISTS { MATCH (:Area {id: f.area_id})-[:PART_OF*0..8]->(top:Area) WHERE top.id IN $scope }
OPTIONAL MATCH (a:Area {id: f.area_id})
RETURN f {.*, area_name: a.name} AS follow_up
