// fragment: scope_nodes
// params: scope
// purpose: A subquery yielding, as {{node}}, every node in the area scope $scope (a list of area ids): the nodes for which the visible fragment is true, walked down from the areas, so it costs what the scope holds, not what the graph holds. The areas below the scope's (up to 8 PART_OF steps), what is LOCATED_IN them (up to 3 steps; not party organizations), the party organizations whose stored area is one of them (an index seek on resolved_area), and the persons, projects and meetings with a relationship to any of those.
CALL () {
  MATCH (scope_top:Area) WHERE scope_top.id IN $scope
  MATCH (scope_top)<-[:PART_OF*0..8]-(scope_sub:Area)
  WITH DISTINCT scope_sub
  CALL (scope_sub) {
    MATCH (scope_sub)<-[:LOCATED_IN*0..3]-(scope_core)
    WHERE NOT scope_core:PartyOrg
    RETURN scope_core
    UNION
    MATCH (scope_core:PartyOrg {resolved_area: scope_sub.id})
    RETURN scope_core
  }
  WITH DISTINCT scope_core
  CALL (scope_core) {
    RETURN scope_core AS {{node}}
    UNION
    MATCH (scope_core)--({{node}})
    WHERE {{node}}:Person OR {{node}}:Project OR {{node}}:Meeting
    RETURN {{node}}
  }
  RETURN DISTINCT {{node}}
}
