// name: vert_org_chain_broken_count
// mode: read
// params: area, areas, as_of
// purpose: How many VERT_ORG_CHAIN_BROKEN gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as vert_org_chain_broken.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // everywhere: the organizations the working committees reach down current UNDER edges
  // (one breadth-first walk), and every other one
  CALL () {
    MATCH (w:PartyOrg {kind: 'working_committee'})
    MATCH chain = (w)<-[:UNDER*0..16]-(x:PartyOrg)
    WHERE all(u IN relationships(chain) WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of))
    WITH DISTINCT x
    RETURN collect(x.id) AS reached
  }
  MATCH (n:PartyOrg)
  WHERE n.kind <> 'working_committee' AND NOT n.id IN reached
  RETURN n
  UNION ALL
  // under an area: the organizations whose stored area (resolved_area) lies there
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind <> 'working_committee'
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)
          (()-[u:UNDER]->() WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of)){1,}
          (:PartyOrg {kind: 'working_committee'})
  }
  RETURN n
}
CALL (n) {
  // a party organization's area is stored on it (see org_areas_refresh)
  OPTIONAL MATCH (stored:Area {id: n.resolved_area})
  RETURN stored AS area
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
