// fragment: visible
// params: scope
// purpose: True when the node {{node}} lies in the area scope $scope (a list of area ids, each meaning its whole subtree; null = everything). A node is in an area when it is "core" — it reaches the area by an optional COVERS, ESTABLISHED_IN or LEADS step, then up to 3 LOCATED_IN steps, then up to 8 PART_OF steps (areas, what is located in them through buildings and parks, the organizations covering, established in or leading such things) — or when it is a person, project or meeting with a relationship to a core node. The same rule as the area export. Depths are bounded so a hostile chain cannot make the check run away.
($scope IS NULL
 OR EXISTS {
   MATCH ({{node}})-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(scope_top:Area)
   WHERE scope_top.id IN $scope }
 OR (({{node}}:Person OR {{node}}:Project OR {{node}}:Meeting) AND EXISTS {
   MATCH ({{node}})--(scope_core)
   WHERE EXISTS {
     MATCH (scope_core)-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(scope_top:Area)
     WHERE scope_top.id IN $scope } }))
