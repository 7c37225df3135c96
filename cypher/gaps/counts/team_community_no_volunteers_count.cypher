// name: team_community_no_volunteers_count
// mode: read
// params: area, areas, as_of
// purpose: How many TEAM_COMMUNITY_NO_VOLUNTEERS gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as team_community_no_volunteers.
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
  MATCH (:Person)-[v:VOLUNTEERS_IN]->(n)
  WHERE (v.since IS NULL OR v.since <= $as_of) AND (v.until IS NULL OR v.until >= $as_of)
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
