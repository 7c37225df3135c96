// fragment: visible
// params: scope
// purpose: True when the node {{node}} lies in the area scope $scope (a list of area ids, each meaning its whole subtree; null = everything). The one rule of where a thing is, shared by every scoped read and write, the gap lists and the area export: an area lies in its own subtree (up to 8 PART_OF steps up); a party organization lies where its stored area (resolved_area, see the org_area fragment: its own place, else its nearest ancestor's through UNDER) lies — the area the gap lists place it in, so an organization listed there can be opened; a unit, building, park, committee, station or service post lies where it is LOCATED_IN (up to 3 steps); a person, project or meeting lies wherever anything it has a relationship with lies. Each test is an index seek and a bounded walk up, so a hostile chain cannot make the check run away.
($scope IS NULL
 OR ({{node}}:PartyOrg AND EXISTS {
   MATCH (:Area {id: {{node}}.resolved_area})-[:PART_OF*0..8]->(scope_top:Area)
   WHERE scope_top.id IN $scope })
 OR (NOT {{node}}:PartyOrg AND EXISTS {
   MATCH ({{node}})-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(scope_top:Area)
   WHERE scope_top.id IN $scope })
 OR (({{node}}:Person OR {{node}}:Project OR {{node}}:Meeting) AND EXISTS {
   MATCH ({{node}})--(scope_core)
   WHERE (scope_core:PartyOrg AND EXISTS {
           MATCH (:Area {id: scope_core.resolved_area})-[:PART_OF*0..8]->(scope_top:Area)
           WHERE scope_top.id IN $scope })
      OR (NOT scope_core:PartyOrg AND EXISTS {
           MATCH (scope_core)-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(scope_top:Area)
           WHERE scope_top.id IN $scope }) }))
