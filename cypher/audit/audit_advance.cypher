// name: audit_advance
// mode: write
// params:
// purpose: Take the next audit sequence number and the previous event's hash. The writer's transaction holds the graph's write lock (see data_version_bump), so events are numbered in commit order with no gaps.
MERGE (h:AuditHead {id: 'audit'})
  ON CREATE SET h.seq = 0, h.hash = ''
SET h.seq = h.seq + 1
RETURN h.seq AS seq, h.hash AS prev_hash
