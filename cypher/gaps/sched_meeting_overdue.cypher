// name: sched_meeting_overdue
// mode: read
// params: as_of, area, periods, skip, limit
// purpose: SCHED_MEETING_OVERDUE: Committees (kind a key of $periods, days) whose latest meeting (OF it, date <= $as_of) is older than the period before $as_of, or that have none; a committee founded less than one period before $as_of is not due. Impact: the committee's current member units. Area filter: walks down from $area's subtree. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
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
WITH n, last_meeting, COUNT {
       MATCH (:Unit)-[m:MEMBER_UNIT_OF]->(n)
       WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
     } AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, last_meeting: last_meeting, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.last_meeting AS last_meeting, g.impact AS impact
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
RETURN n.id AS id, n.name AS name, 'Committee' AS kind,
       n.kind AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {period_days: $periods[n.kind], last_meeting: last_meeting} AS detail,
       total
ORDER BY impact DESC, id
