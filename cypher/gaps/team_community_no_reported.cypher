// name: team_community_no_reported
// mode: read
// params: as_of, area, skip, limit
// purpose: TEAM_COMMUNITY_NO_REPORTED: Community areas with no current REPORTED_TO (registered in-service party member). Impact: units located in the community. Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level = 'community'
  RETURN n
  UNION ALL
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(n:Area)
  WHERE n.level = 'community'
  RETURN DISTINCT n
}
WITH n WHERE NOT EXISTS {
  MATCH (:Person)-[r:REPORTED_TO]->(n)
  WHERE (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
}
WITH n, COUNT {
       MATCH (n)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)
       RETURN DISTINCT u
     } AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.impact AS impact
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
       {} AS detail,
       total
ORDER BY impact DESC, id
