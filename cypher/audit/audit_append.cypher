// name: audit_append
// mode: write
// params: event, hash, head_mac
// purpose: Append one audit event (the only query that writes :AuditEvent — nothing updates or deletes one) and move the head on to its hash, signed with the audit key when there is one ($head_mac; null without a key).
MATCH (h:AuditHead {id: 'audit'})
CREATE (e:AuditEvent)
SET e = $event, e.hash = $hash
SET h.hash = $hash, h.mac = $head_mac
RETURN e.seq AS seq
