// name: sched_expired_count
// mode: read
// params: area, areas, as_of
// purpose: How many SCHED_EXPIRED gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as sched_expired.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (s)-[r:ASSIGNED_TO]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
  UNION ALL
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (s)-[r:PAIRED_WITH]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
  UNION ALL
  CALL () {
    // under an area: the areas themselves and what is located there
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    CALL (sub) {
      RETURN sub AS n
      UNION
      MATCH (sub)<-[:LOCATED_IN*1..3]-(n)
      RETURN n
    }
    RETURN n
    UNION
    // under an area: the organizations whose stored area (resolved_area) lies there
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    WITH DISTINCT sub
    MATCH (n:PartyOrg {resolved_area: sub.id})
    RETURN n
  }
  WITH DISTINCT n
  MATCH (s)-[r:ASSIGNED_TO|PAIRED_WITH]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
}
CALL (n) {
  // an area is its own area; a party organization's is found as for TEAM_BRANCH_NO_OFFICER;
  // anything else is in the nearest area it is LOCATED_IN
  WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
  CALL (n) {
    WITH n WHERE n:Area
    RETURN n AS a, 0 AS way, 0 AS hops
    UNION
    WITH n WHERE n:PartyOrg
    CALL (n) {
      // a party organization's area is stored on it (see org_areas_refresh)
      OPTIONAL MATCH (stored:Area {id: n.resolved_area})
      RETURN stored AS org_area
    }
    WITH org_area WHERE org_area IS NOT NULL
    RETURN org_area AS a, 0 AS way, 0 AS hops
    UNION
    MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
    WHERE NOT n:PartyOrg
    RETURN a, 1 AS way, length(here) AS hops
  }
  WITH a ORDER BY way, hops, a.id
  RETURN collect(a)[0] AS area
}
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
