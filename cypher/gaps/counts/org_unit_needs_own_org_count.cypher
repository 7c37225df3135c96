// name: org_unit_needs_own_org_count
// mode: read
// params: area, areas, as_of
// purpose: How many ORG_UNIT_NEEDS_OWN_ORG gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as org_unit_needs_own_org.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Unit)
    WHERE NOT (n)<-[:ESTABLISHED_IN]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Unit)<-[r:ESTABLISHED_IN]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Unit)<-[r:ESTABLISHED_IN]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE NOT EXISTS {
      MATCH (:PartyOrg)-[o:ESTABLISHED_IN]->(n)
      WHERE (o.since IS NULL OR o.since <= $as_of) AND (o.until IS NULL OR o.until >= $as_of)
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Unit)
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[o:ESTABLISHED_IN]->(n)
    WHERE (o.since IS NULL OR o.since <= $as_of) AND (o.until IS NULL OR o.until >= $as_of)
  }
  RETURN n
}
// fewer than 3 people employed at all: fewer than 3 formal members (a degree check)
WITH n, coalesce(n.formal_party_members, 0) AS declared
WHERE declared >= 3 OR COUNT { (n)<-[:EMPLOYED_BY]-() } >= 3
WITH n, declared, COUNT {
       MATCH (:Person {party_status: 'formal'})-[e:EMPLOYED_BY]->(n)
       WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
     } AS employed
WITH n, declared, employed,
     CASE WHEN declared >= employed THEN declared ELSE employed END AS impact
WHERE impact >= 3
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
