// name: org_park_uncovered
// mode: read
// params: as_of, area, skip, limit
// purpose: ORG_PARK_UNCOVERED: Parks with no current COVERS from any party organization. Impact: units located in the park (directly or in a building inside it). Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Park)
    WHERE NOT (n)<-[:COVERS]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Park)<-[r:COVERS]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Park)<-[r:COVERS]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE NOT EXISTS {
      MATCH (:PartyOrg)-[c:COVERS]->(n)
      WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Park)
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[c:COVERS]->(n)
    WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
  }
  RETURN n
}
WITH n, COUNT { (n)<-[:LOCATED_IN]-(:Unit) }
       + COUNT { (n:Park)<-[:LOCATED_IN]-(:Building)<-[:LOCATED_IN]-(:Unit) } AS impact
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
RETURN n.id AS id, n.name AS name, 'Park' AS kind,
       n.kind AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {} AS detail,
       total
ORDER BY impact DESC, id
