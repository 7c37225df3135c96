// name: audit_head
// mode: read
// params:
// purpose: The audit trail's head: the number and hash of the last event, and its signature (null without an audit key), for verify to compare with the last event.
MATCH (h:AuditHead {id: 'audit'})
RETURN h.seq AS seq, h.hash AS hash, h.mac AS mac
