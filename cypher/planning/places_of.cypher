// name: places_of
// mode: read
// params: ids
// purpose: Where each entity of $ids is, as the candidates answer places it: an area is itself; a party organization is in its stored area (resolved_area); anything else in the nearest area it is LOCATED_IN (up to 3 steps, fewest first, then the smaller area id). For each: `chain`, that area and every area above it (id and level), the top first (empty when it lies nowhere), and its WGS-84 coordinates when it has them. Entities that do not exist are left out.
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  OPTIONAL MATCH (stored:Area {id: x.resolved_area})
  OPTIONAL MATCH here = (x)-[:LOCATED_IN*1..3]->(placed:Area)
  WITH stored, placed ORDER BY length(here), placed.id LIMIT 1
  WITH CASE WHEN x:Area THEN x ELSE coalesce(stored, placed) END AS home
  OPTIONAL MATCH up = (home)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN coalesce([a IN reverse(nodes(up)) | {id: a.id, level: a.level}], []) AS chain
}
RETURN x.id AS id, chain, x.location.latitude AS latitude, x.location.longitude AS longitude
