// name: relationships_changed
// mode: read
// params: scope, from_date, to_date
// purpose: The dated relationships of an area ($scope = [its id]) that started or ended between two dates: every relationship with one end in the area by the one scope rule (the scope_nodes walk: the area and its descendants, what is located in them, the party organizations whose stored area lies there; persons, projects and meetings count only through such an end) whose `since` lies in ($from_date, $to_date] (it started: not current on the first date for that reason, current by the second) or whose `until` lies in [$from_date, $to_date) (it ended: current on the first date, no longer on the second). PART_OF and LOCATED_IN carry no dates and never appear. One row per relationship, by type, start id, end id.
{{> scope_nodes x}}
WITH x WHERE NOT (x:Person OR x:Project OR x:Meeting)
MATCH (x)-[r]-()
WHERE (r.since > $from_date AND r.since <= $to_date)
   OR (r.until >= $from_date AND r.until < $to_date)
WITH DISTINCT r
WITH r, startNode(r) AS a, endNode(r) AS b
RETURN type(r) AS type,
       a.id AS from_id, a.name AS from_name, [l IN labels(a) WHERE l <> 'Entity'][0] AS from_kind,
       b.id AS to_id, b.name AS to_name, [l IN labels(b) WHERE l <> 'Entity'][0] AS to_kind,
       r.since AS since, r.until AS until, r.role AS role
ORDER BY type, from_id, to_id
