// name: audit_chain
// mode: read
// params: from_seq, limit
// purpose: Audit events in sequence order from $from_seq, to check the hash chain.
MATCH (e:AuditEvent)
WHERE e.seq >= $from_seq
RETURN properties(e) AS event
ORDER BY e.seq
LIMIT $limit
