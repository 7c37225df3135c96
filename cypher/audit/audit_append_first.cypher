// name: audit_append_first
// mode: write
// params: audit_event, audit_hash, audit_head_mac
// purpose: audit_append as a unit subquery that Database.run_in puts before the next statement of a write transaction, so the event travels with that statement instead of costing the transaction (and the graph's write lock) a round trip of its own. The same writes as audit_append: the head moves on, one event is created; it runs once, on the statement's first row, whatever the statement then matches.
CALL () {
  MERGE (h:AuditHead {id: 'audit'})
  SET h.seq = $audit_event.seq, h.hash = $audit_hash, h.mac = $audit_head_mac
  CREATE (e:AuditEvent)
  SET e = $audit_event, e.hash = $audit_hash
}
