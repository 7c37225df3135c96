// name: node_relationship_counts
// mode: read
// params: id, scope
// purpose: How many relationships of each type and direction a node has (what a cascade delete takes with it), and how many of them join it to a node outside the area scope $scope (see the visible fragment; null = everything, so none is outside): a relationship lies inside a scope only when both its ends do.
MATCH (n:Entity {id: $id})-[r]-(other)
WITH type(r) AS type, CASE WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
     {{> visible other}} AS inside
RETURN type, direction, count(*) AS count, count(CASE WHEN NOT inside THEN 1 END) AS outside
ORDER BY type, direction
