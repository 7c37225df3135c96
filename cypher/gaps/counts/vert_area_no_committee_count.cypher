// name: vert_area_no_committee_count
// mode: read
// params: area, areas
// purpose: How many VERT_AREA_NO_COMMITTEE gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as vert_area_no_committee.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level IN ['subdistrict', 'community']
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(n:Area)
  WHERE n.level IN ['subdistrict', 'community']
  RETURN DISTINCT n
}
WITH n, CASE n.level WHEN 'subdistrict' THEN 'big_working_committee' ELSE 'community' END
          AS expected
WHERE NOT EXISTS { MATCH (c:Committee)-[:LOCATED_IN]->(n) WHERE c.kind = expected }
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
