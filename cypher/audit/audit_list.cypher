// name: audit_list
// mode: read
// params: actor, action, target, since, until, after_seq, limit
// purpose: Audit events, newest first, filtered by actor, action (prefix), target id (either end of a relationship too), time range and sequence (for paging: those below $after_seq).
MATCH (e:AuditEvent)
WHERE ($after_seq IS NULL OR e.seq < $after_seq)
  AND ($actor IS NULL OR e.actor = $actor)
  AND ($action IS NULL OR e.action STARTS WITH $action)
  AND ($target IS NULL OR e.target = $target OR $target IN e.targets)
  AND ($since IS NULL OR e.at >= $since)
  AND ($until IS NULL OR e.at <= $until)
RETURN properties(e) AS event
ORDER BY e.seq DESC
LIMIT $limit
