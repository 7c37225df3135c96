// name: data_version_bump
// mode: write
// params:
// purpose: Give the graph a new data version, and read the audit trail's head: the first statement of every write transaction of the service (Database.execute_write). Writing the meta node takes the graph's write lock until the transaction ends, so writes run one after another, and the head read here stays the last event until the transaction appends after it (audit_append); an answer the result cache keeps under the old version is not served again once the write commits. A random token, not a counter: a wiped and refilled graph never repeats an old version. Both nodes are found by a label scan (one node each): an index seek in a write query takes a shared lock first, and writers upgrading it at once deadlock.
MATCH (m:GraphServiceMeta {id: 'schema'}) USING SCAN m:GraphServiceMeta
SET m.data_version = randomUUID()
WITH m
OPTIONAL MATCH (h:AuditHead {id: 'audit'}) USING SCAN h:AuditHead
RETURN h.seq AS seq, h.hash AS hash
