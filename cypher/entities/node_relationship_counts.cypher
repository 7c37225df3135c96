// name: node_relationship_counts
// mode: read
// params: id
// purpose: How many relationships of each type and direction a node has (what a cascade delete takes with it).
MATCH (n:Entity {id: $id})-[r]-(other)
RETURN type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       count(r) AS count
ORDER BY type, direction
