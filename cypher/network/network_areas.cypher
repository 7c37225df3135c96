// name: network_areas
// mode: read
// params: id, scope
// purpose: The aggregated network of the area $id, if it lies in the area scope $scope (the visible fragment; no row otherwise): the area and each child area (PART_OF it directly), each with units, the units LOCATED_IN (up to 3 steps) an area of its subtree (the located_under fragment), and direct_units, those of the area's own units that lie in none of its children. Root first, then children by id.
MATCH (x:Area {id: $id})
WHERE {{> visible x}}
CALL (x) {
  RETURN x AS a, true AS root
  UNION
  MATCH (x)<-[:PART_OF]-(a:Area)
  RETURN a, false AS root
}
CALL (a) {
  OPTIONAL MATCH {{> located_under u:Unit area=a.id}}
  RETURN count(DISTINCT u) AS units
}
CALL (a) {
  OPTIONAL MATCH (a)<-[:LOCATED_IN*1..3]-(u:Unit)
  WHERE NOT EXISTS { (u)-[:LOCATED_IN*1..3]->(:Area)-[:PART_OF*1..8]->(a) }
  RETURN count(DISTINCT u) AS direct_units
}
RETURN a.id AS id, a.name AS name, 'Area' AS label, a.kind AS kind, a.level AS level, root,
       units, direct_units
ORDER BY root DESC, id
