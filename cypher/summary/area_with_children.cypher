// name: area_with_children
// mode: read
// params: id
// purpose: One area by id with its child areas (PART_OF it), sorted by id; no row when there is no such area.
MATCH (a:Area {id: $id})
CALL (a) {
  OPTIONAL MATCH (c:Area)-[:PART_OF]->(a)
  WITH c ORDER BY c.id
  RETURN collect(CASE WHEN c IS NOT NULL THEN {id: c.id, name: c.name, level: c.level} END)
         AS children
}
RETURN a.id AS id, a.name AS name, a.level AS level, children
