// piece: place_area
// purpose: Where an area lies: itself, and every area above it. The rule's condition walks down from $area itself (areas_under), so a page needs no filter.
// ---- filter
// ---- path
CALL (n) {
  WITH n AS a
  {{> area_path a}}
}
// ---- count
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
