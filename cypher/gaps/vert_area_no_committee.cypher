// name: vert_area_no_committee
// mode: read
// params: area, skip, limit
// purpose: VERT_AREA_NO_COMMITTEE: Subdistricts with no big_working_committee Committee LOCATED_IN them, and communities with no community Committee LOCATED_IN them. Impact: units located in the area. Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level IN ['subdistrict', 'community']
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(n:Area)
  WHERE n.level IN ['subdistrict', 'community']
  RETURN DISTINCT n
}
WITH n, CASE n.level WHEN 'subdistrict' THEN 'big_working_committee' ELSE 'community' END
          AS expected
WHERE NOT EXISTS { MATCH (c:Committee)-[:LOCATED_IN]->(n) WHERE c.kind = expected }
WITH n, expected, COUNT {
       MATCH (n)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)
       RETURN DISTINCT u
     } AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, expected: expected, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.expected AS expected, g.impact AS impact
CALL (n) {
  WITH n AS a
  OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
         AS area_path
}
RETURN n.id AS id, n.name AS name, 'Area' AS kind,
       n.level AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {expected_committee_kind: expected} AS detail,
       total
ORDER BY impact DESC, id
