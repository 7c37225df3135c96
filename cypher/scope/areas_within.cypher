// name: areas_within
// mode: read
// params: ids, scope
// purpose: Which of the area ids $ids are areas inside the scope $scope (an area of it or below one, up to 8 levels down).
UNWIND $ids AS wanted
MATCH (a:Area {id: wanted})
WHERE $scope IS NULL OR EXISTS {
  MATCH (a)-[:PART_OF*0..8]->(top:Area) WHERE top.id IN $scope }
RETURN collect(DISTINCT a.id) AS inside
