// piece: place_single
// purpose: Where a subject with one area lies (a party organization, a person, the target of an expired relationship): the area its locate piece finds, and every area above it. The rule's condition may find more than lies under $area (a person is reached through any of their ties), so a page keeps those whose area is $area or lies under it.
// ---- guard_page
WITH n WHERE $area IS NOT NULL
// ---- guard_count
WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
// ---- filter
{{locate}}
WITH n{{carry}}, area
WHERE $area IS NULL OR EXISTS { (area)-[:PART_OF*0..8]->(:Area {id: $area}) }
// ---- path
{{locate}}
CALL (area) {
  WITH area AS a
  {{> area_path a}}
}
// ---- count
{{locate}}
// many gaps share an area: the areas above each area are found once
WITH area, count(*) AS gaps_here
CALL (area) {
  // the areas the subject lies in: its area and every area above
  MATCH (area)-[:PART_OF*0..8]->(x:Area)
  RETURN collect(DISTINCT x.id) AS within
}
WITH collect({within: within, gaps: gaps_here}) AS places
UNWIND $areas AS area_id
RETURN area_id AS area,
       reduce(total = 0, p IN places |
              total + CASE WHEN area_id IS NULL OR area_id IN p.within THEN p.gaps ELSE 0 END)
         AS total
