// piece: place_located
// purpose: Where a building, park, unit or committee lies: the areas it is LOCATED_IN (directly or through the building or park it is in) and every area above them; its row shows the nearest. The rule's condition walks down from $area itself (located_under), so a page needs no filter.
// ---- filter
// ---- path
CALL (n) {
  // the nearest area the node is LOCATED_IN (through a building or park), then PART_OF up
  OPTIONAL MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
  WITH a ORDER BY length(here), a.id LIMIT 1
  {{> area_path a}}
}
// ---- count
CALL (n) {
  // the areas the subject lies in: where it is LOCATED_IN, and every area above
  WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
  MATCH (n)-[:LOCATED_IN*1..3]->(placed:Area)
  RETURN collect(DISTINCT placed) AS placed_in
}
// many gaps lie in the same areas: the areas above them are found once per set of areas
WITH placed_in, count(*) AS gaps_here
CALL (placed_in) {
  UNWIND placed_in AS placed
  MATCH (placed)-[:PART_OF*0..8]->(x:Area)
  RETURN collect(DISTINCT x.id) AS within
}
WITH collect({within: within, gaps: gaps_here}) AS places
UNWIND $areas AS area_id
RETURN area_id AS area,
       reduce(total = 0, p IN places |
              total + CASE WHEN area_id IS NULL OR area_id IN p.within THEN p.gaps ELSE 0 END)
         AS total
