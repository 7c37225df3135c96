// name: node_get
// mode: read
// params: id, scope
// placeholders: label
// purpose: One node of a kind by id, its properties (location split into latitude/longitude); nothing when it lies outside the caller's area scope $scope (null = everything).
MATCH (n:{{label}} {id: $id})
WHERE {{> visible n}}
RETURN properties(n) AS props, n.location.latitude AS latitude, n.location.longitude AS longitude
