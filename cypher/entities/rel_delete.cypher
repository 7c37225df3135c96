// name: rel_delete
// mode: write
// params: from_id, to_id
// placeholders: rel
// purpose: Delete the relationship of a type between two nodes.
MATCH (:Entity {id: $from_id})-[r:{{rel}}]->(:Entity {id: $to_id})
DELETE r
RETURN count(*) AS deleted
