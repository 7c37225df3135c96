// name: rel_delete
// mode: write
// params: from_id, to_id, since
// placeholders: rel
// purpose: Delete one term of the relationship of a type between two nodes, the one that starts on $since.
MATCH (:Entity {id: $from_id})-[r:{{rel}}]->(:Entity {id: $to_id})
WHERE {{> term_named r}}
DELETE r
RETURN count(*) AS deleted
