// rule: SCHED_MEETING_OVERDUE
// params: as_of, area, periods
// carries: last_meeting
// detail: {period_days: $periods[n.kind], last_meeting: last_meeting}
// purpose: Committees (kind a key of $periods, days) whose latest meeting (OF it, date <= $as_of) is older than the period before $as_of, or that have none; a committee founded less than one period before $as_of is not due. Impact: the committee's current member units. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Committee)
  WHERE n.kind IN keys($periods)
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Committee}}
  WHERE n.kind IN keys($periods)
  WITH DISTINCT n
  RETURN n
}
WITH n, $as_of - duration({days: $periods[n.kind]}) AS due_after
WHERE n.founded IS NULL OR n.founded <= due_after
CALL (n) {
  OPTIONAL MATCH (m:Meeting)-[o:OF]->(n)
  WHERE m.date <= $as_of
    AND {{> current o}}
  RETURN max(m.date) AS last_meeting
}
WITH n, last_meeting
WHERE last_meeting IS NULL OR last_meeting < due_after
