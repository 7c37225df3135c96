// name: sched_meeting_overdue_count
// mode: read
// params: area, areas, as_of, periods
// purpose: How many SCHED_MEETING_OVERDUE gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as sched_meeting_overdue.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Committee)
  WHERE n.kind IN keys($periods)
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Committee)
  WHERE n.kind IN keys($periods)
  WITH DISTINCT n
  RETURN n
}
WITH n, $as_of - duration({days: $periods[n.kind]}) AS due_after
WHERE n.founded IS NULL OR n.founded <= due_after
CALL (n) {
  OPTIONAL MATCH (m:Meeting)-[o:OF]->(n)
  WHERE m.date <= $as_of
    AND (o.since IS NULL OR o.since <= $as_of) AND (o.until IS NULL OR o.until >= $as_of)
  RETURN max(m.date) AS last_meeting
}
WITH n, last_meeting
WHERE last_meeting IS NULL OR last_meeting < due_after
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
