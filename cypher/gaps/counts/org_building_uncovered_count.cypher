// name: org_building_uncovered_count
// mode: read
// params: area, areas, as_of, kinds
// purpose: How many ORG_BUILDING_UNCOVERED gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as org_building_uncovered.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Building)
    WHERE n.kind IN $kinds AND NOT (n)<-[:COVERS]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Building)<-[r:COVERS]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Building)<-[r:COVERS]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.kind IN $kinds AND NOT EXISTS {
      MATCH (:PartyOrg)-[c:COVERS]->(n)
      WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Building)
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[c:COVERS]->(n)
    WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
  }
  RETURN n
}
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
