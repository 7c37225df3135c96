// name: audit_advance
// mode: write
// params:
// purpose: Take the next audit sequence number and the previous event's hash. Writing the head locks it until the transaction ends, so events are numbered in commit order with no gaps. The graph's data version is moved on first (which every write transaction does at its end anyway, see data_version_bump): every writer then takes the two locks every write needs in one order — the meta node, then the head — as the refresh of stored areas does (org_areas_lock), and none waits for a deadlock to be found and its transaction run again.
CALL () {
  MATCH (m:GraphServiceMeta {id: 'schema'})
  SET m.data_version = randomUUID()
}
MERGE (h:AuditHead {id: 'audit'})
  ON CREATE SET h.seq = 0, h.hash = ''
SET h.seq = h.seq + 1
RETURN h.seq AS seq, h.hash AS prev_hash
