// name: rel_lock
// mode: write
// params: from_id, to_id
// placeholders: rel
// purpose: Take the write lock of the relationship of a type between two nodes until the transaction ends, before an update or delete reads it (see node_lock): two updates of different fields then both hold, and an update racing a delete finds it gone instead of recording a change that did not happen.
MATCH (:Entity {id: $from_id})-[r:{{rel}}]->(:Entity {id: $to_id})
SET r.write_lock = true
REMOVE r.write_lock
RETURN count(r) AS locked
