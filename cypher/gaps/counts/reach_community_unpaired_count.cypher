// name: reach_community_unpaired_count
// mode: read
// params: area, areas, as_of
// purpose: How many REACH_COMMUNITY_UNPAIRED gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as reach_community_unpaired.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level = 'community'
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(n:Area)
  WHERE n.level = 'community'
  RETURN DISTINCT n
}
WITH n WHERE NOT EXISTS {
  MATCH (:Unit)-[p:PAIRED_WITH]->(n)
  WHERE (p.since IS NULL OR p.since <= $as_of) AND (p.until IS NULL OR p.until >= $as_of)
}
CALL (n) {
  // the areas the subject lies in: itself and every area above
  WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
  MATCH (n)-[:PART_OF*0..8]->(x:Area)
  RETURN collect(DISTINCT x.id) AS within
}
WITH collect(within) AS gaps
UNWIND $areas AS area_id
RETURN area_id AS area,
       size([w IN gaps WHERE area_id IS NULL OR area_id IN w]) AS total
