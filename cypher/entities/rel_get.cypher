// name: rel_get
// mode: read
// params: from_id, to_id
// placeholders: rel
// purpose: The relationship of a type between two nodes given by id.
MATCH (a:Entity {id: $from_id})-[r:{{rel}}]->(b:Entity {id: $to_id})
RETURN properties(r) AS props
