// name: audit_append
// mode: write
// params: event, hash
// purpose: Append one audit event (the only query that writes :AuditEvent — nothing updates or deletes one) and move the head's hash on.
MATCH (h:AuditHead {id: 'audit'})
CREATE (e:AuditEvent)
SET e = $event, e.hash = $hash
SET h.hash = $hash
RETURN e.seq AS seq
