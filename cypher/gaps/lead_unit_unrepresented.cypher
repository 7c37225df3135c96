// name: lead_unit_unrepresented
// mode: read
// params: as_of, area, skip, limit
// purpose: LEAD_UNIT_UNREPRESENTED: (member unit, committee) pairs with a current MEMBER_UNIT_OF and no person with a current SERVES_ON that committee for the unit (for_unit = the unit's id). Subject: the unit; related: the committee. Impact: the unit's formal party members. Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // committee by committee: the units its current part-time members represent
  MATCH (c:Committee)
  CALL (c) {
    OPTIONAL MATCH (:Person)-[s:SERVES_ON]->(c)
    WHERE (s.since IS NULL OR s.since <= $as_of) AND (s.until IS NULL OR s.until >= $as_of)
    RETURN collect(s.for_unit) AS represented
  }
  MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(c)
  WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    AND NOT n.id IN represented
  RETURN n, c
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Unit)
        -[m:MEMBER_UNIT_OF]->(c:Committee)
  WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    AND NOT EXISTS {
      MATCH (:Person)-[s:SERVES_ON]->(c)
      WHERE s.for_unit = n.id
        AND (s.since IS NULL OR s.since <= $as_of) AND (s.until IS NULL OR s.until >= $as_of)
    }
  RETURN DISTINCT n, c
}
WITH n, c, coalesce(n.formal_party_members, 0) AS declared,
     COUNT {
       MATCH (:Person {party_status: 'formal'})-[e:EMPLOYED_BY]->(n)
       WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
     } AS employed
WITH n, c, declared, employed,
     CASE WHEN declared >= employed THEN declared ELSE employed END AS impact
ORDER BY impact DESC, n.id, c.id
WITH collect({n: n, c: c, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.c AS c, g.impact AS impact
CALL (n) {
  // the nearest area the node is LOCATED_IN (through a building or park), then PART_OF up
  OPTIONAL MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
  WITH a ORDER BY length(here), a.id LIMIT 1
  OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
         AS area_path
}
RETURN n.id AS id, n.name AS name, 'Unit' AS kind,
       n.kind AS subkind, area_path,
       c.id AS related_id, c.name AS related_name, impact,
       {committee_kind: c.kind} AS detail,
       total
ORDER BY impact DESC, id, related_id
