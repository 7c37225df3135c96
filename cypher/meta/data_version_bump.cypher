// name: data_version_bump
// mode: write
// params: ids, scope, rels
// purpose: Give the graph a new data version, read the audit trail's head, and read the entities the write names ($ids, as the area scope $scope sees them): the first statement of every write transaction of the service (Database.execute_write). Writing the meta node takes the graph's write lock until the transaction ends, so writes run one after another, and the head read here stays the last event until the transaction appends after it (audit_append); an answer the result cache keeps under the old version is not served again once the write commits. Reading the named entities here, under the lock, spares the write a round trip to Neo4j while it holds it: for each that exists, its kind, whether it lies in $scope (the visible fragment) and its properties as node_get gives them. A random token, not a counter: a wiped and refilled graph never repeats an old version. The meta node and the head are found by a label scan (one node each): an index seek in a write query takes a shared lock first, and writers upgrading it at once deadlock (the entities' seek comes after the write lock, which no other writer then holds). The relationships $rels names (each a map of type, from_id and to_id) come back with their properties, as rel_terms gives them: every term of each pair.
MATCH (m:GraphServiceMeta {id: 'schema'}) USING SCAN m:GraphServiceMeta
SET m.data_version = randomUUID()
WITH m
OPTIONAL MATCH (h:AuditHead {id: 'audit'}) USING SCAN h:AuditHead
WITH h.seq AS seq, h.hash AS hash
CALL () {
  UNWIND $ids AS id
  MATCH (x:Entity {id: id})
  RETURN collect({
    id: x.id,
    kind: [label IN labels(x) WHERE label <> 'Entity'][0],
    visible: {{> visible x}},
    props: x {.*, src_file: null, src_row: null, src_at: null, location: null, resolved_area: null},
    latitude: x.location.latitude,
    longitude: x.location.longitude
  }) AS nodes
}
CALL () {
  UNWIND $rels AS wanted
  MATCH (:Entity {id: wanted.from_id})-[r]->(:Entity {id: wanted.to_id})
  WHERE type(r) = wanted.type
  RETURN collect({type: type(r), from_id: wanted.from_id, to_id: wanted.to_id,
                  props: properties(r)}) AS rels
}
RETURN seq, hash, nodes, rels
