// name: node_lock
// mode: write
// params: id
// purpose: Take the write lock of the node $id until the transaction ends, before a write reads what it will change (an update merges into the stored node; a new relationship must not exist yet). Neo4j reads at read-committed isolation: without the lock, two writers read the same old state and the last to commit silently undoes the other (lost updates, duplicate relationships). Setting a property takes the lock; removing it again leaves the node as it was.
MATCH (n:Entity {id: $id})
SET n.write_lock = true
REMOVE n.write_lock
RETURN count(n) AS locked
