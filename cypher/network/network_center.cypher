// name: network_center
// mode: read
// params: id, scope
// purpose: The entity $id whose network is drawn, if it exists and lies in the area scope $scope (see the visible fragment): its id, name, label, kind and area level (no row otherwise), and area_id, the area it is (an area) or the nearest area it is LOCATED_IN (up to 3 steps) — the area whose gaps the console highlights.
MATCH (x:Entity {id: $id})
WHERE {{> visible x}}
CALL (x) {
  OPTIONAL MATCH here = (x)-[:LOCATED_IN*0..3]->(a:Area)
  WITH a ORDER BY length(here), a.id LIMIT 1
  RETURN a.id AS area_id
}
RETURN x.id AS id, x.name AS name, [l IN labels(x) WHERE l <> 'Entity'][0] AS label,
       x.kind AS kind, x.level AS level, area_id
