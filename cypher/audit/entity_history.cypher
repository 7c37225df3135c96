// name: entity_history
// mode: read
// params: id, terms, scope, before_seq, limit
// purpose: One entity's history, newest first: the audit events of writes to the node ($id the event's target) and to its relationships (an end: in targets), below $before_seq (paging), at most $limit. Found through the full-text index audit_targets ($terms: the id as a Lucene term, escaped), not by reading every event. For a caller limited to the areas $scope, only events every target of which lies in them (the visible fragment, checked once per distinct id): a relationship with an end outside is not read by that caller, nor is its history.
CALL db.index.fulltext.queryNodes('audit_targets', $terms) YIELD node AS e
WITH e
WHERE $id IN e.targets
  AND (e.action STARTS WITH 'node.' OR e.action STARTS WITH 'rel.')
  AND ($before_seq IS NULL OR e.seq < $before_seq)
WITH collect(e) AS events
CALL (events) {
  UNWIND events AS e
  UNWIND e.targets AS named
  WITH DISTINCT named WHERE $scope IS NOT NULL
  MATCH (x:Entity {id: named})
  WHERE {{> visible x}}
  RETURN collect(x.id) AS seen
}
UNWIND events AS e
WITH e, seen
WHERE $scope IS NULL OR all(named IN e.targets WHERE named IN seen)
RETURN properties(e) AS event
ORDER BY e.seq DESC
LIMIT $limit
