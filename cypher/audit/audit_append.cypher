// name: audit_append
// mode: write
// params: event, hash, head_mac
// purpose: Append one audit event (the only query that writes :AuditEvent — nothing updates or deletes one) and move the head on to its number and hash, signed with the audit key when there is one ($head_mac; null without a key). The caller holds the graph's write lock and numbered the event after the head it read with it (data_version_bump).
MERGE (h:AuditHead {id: 'audit'})
SET h.seq = $event.seq, h.hash = $hash, h.mac = $head_mac
CREATE (e:AuditEvent)
SET e = $event, e.hash = $hash
RETURN e.seq AS seq
