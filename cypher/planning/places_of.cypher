// name: places_of
// mode: read
// params: ids
// purpose: Where each entity of $ids is, as the candidates answer places it: an area is itself; a party organization is in its stored area (resolved_area); anything else in the nearest area it is LOCATED_IN (up to 3 steps, fewest first, then the smaller area id). For each: `home`, that area's id (null when it lies nowhere), and its WGS-84 coordinates when it has them. The chains of the areas come from area_chains, once an area.
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  // an area, or a party organization with its stored area: no walk
  WITH x WHERE x:Area OR x.resolved_area IS NOT NULL
  RETURN CASE WHEN x:Area THEN x.id ELSE x.resolved_area END AS home
  UNION
  WITH x WHERE NOT x:Area AND x.resolved_area IS NULL
  OPTIONAL MATCH here = (x)-[:LOCATED_IN*1..3]->(placed:Area)
  WITH placed ORDER BY length(here), placed.id LIMIT 1
  RETURN placed.id AS home
}
RETURN x.id AS id, home, x.location.latitude AS latitude, x.location.longitude AS longitude
