// fragment: scope_nodes
// params: scope
// purpose: A subquery yielding, as {{node}}, every node in the area scope $scope (a list of area ids): walked down from the areas, so it costs what the scope holds, not what the graph holds. Yields the same nodes for which the visible fragment is true.
CALL () {
  MATCH (scope_top:Area) WHERE scope_top.id IN $scope
  MATCH (scope_top)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*0..3]-()<-[:COVERS|ESTABLISHED_IN|LEADS*0..1]-({{node}})
  RETURN {{node}}
  UNION
  MATCH (scope_top:Area) WHERE scope_top.id IN $scope
  MATCH (scope_top)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*0..3]-()<-[:COVERS|ESTABLISHED_IN|LEADS*0..1]-(scope_core)--({{node}})
  WHERE {{node}}:Person OR {{node}}:Project OR {{node}}:Meeting
  RETURN {{node}}
}
