// name: node_delete
// mode: write
// params: id
// placeholders: label
// purpose: Delete one node of a kind with its relationships; returns how many relationships went with it.
MATCH (n:{{label}} {id: $id})
OPTIONAL MATCH (n)-[r]-()
WITH n, count(r) AS relationships
DETACH DELETE n
RETURN relationships
