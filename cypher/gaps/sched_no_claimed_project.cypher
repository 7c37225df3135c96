// name: sched_no_claimed_project
// mode: read
// params: as_of, area, skip, limit
// purpose: SCHED_NO_CLAIMED_PROJECT: Units with a current MEMBER_UNIT_OF and no current CLAIMED project. Impact: the unit's formal party members. Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // everywhere: the units with a current claim, as a set
  CALL () {
    MATCH (u:Unit)-[c:CLAIMED]->(:Project)
    WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
    RETURN collect(DISTINCT u.id) AS claimants
  }
  MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(:Committee)
  WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    AND NOT n.id IN claimants
  RETURN DISTINCT n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Unit)
        -[m:MEMBER_UNIT_OF]->(:Committee)
  WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)-[c:CLAIMED]->(:Project)
    WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
  }
  RETURN n
}
WITH n, coalesce(n.formal_party_members, 0) AS declared,
     COUNT {
       MATCH (:Person {party_status: 'formal'})-[e:EMPLOYED_BY]->(n)
       WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
     } AS employed
WITH n, declared, employed,
     CASE WHEN declared >= employed THEN declared ELSE employed END AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.impact AS impact
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
       null AS related_id, null AS related_name, impact,
       {} AS detail,
       total
ORDER BY impact DESC, id
