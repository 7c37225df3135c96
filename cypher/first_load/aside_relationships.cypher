// name: aside_relationships
// mode: read
// params: skip, limit
// purpose: A page of the relationships between nodes that are not domain nodes, with their type and properties, to be put back after a first load (the service makes none today; kept so that nothing stored is lost if one ever does).
MATCH (a)-[r]->(b) WHERE NOT a:Entity AND NOT b:Entity
RETURN elementId(a) AS from_key, elementId(b) AS to_key, type(r) AS type, properties(r) AS props
ORDER BY elementId(r)
SKIP $skip LIMIT $limit
