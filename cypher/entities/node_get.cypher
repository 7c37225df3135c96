// name: node_get
// mode: read
// params: id
// placeholders: label
// purpose: One node of a kind by id, its properties (location split into latitude/longitude).
MATCH (n:{{label}} {id: $id})
RETURN properties(n) AS props, n.location.latitude AS latitude, n.location.longitude AS longitude
