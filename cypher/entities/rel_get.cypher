// name: rel_get
// mode: read
// params: from_id, to_id, scope
// placeholders: rel
// purpose: The relationship of a type between two nodes given by id; nothing unless both ends lie in the caller's area scope $scope (null = everything).
MATCH (a:Entity {id: $from_id})-[r:{{rel}}]->(b:Entity {id: $to_id})
WHERE {{> visible a}} AND {{> visible b}}
RETURN properties(r) AS props
