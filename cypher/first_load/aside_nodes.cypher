// name: aside_nodes
// mode: read
// params: skip, limit
// purpose: A page of the nodes that are not domain nodes (accounts, console sessions, the audit trail, the schema's meta node, follow-ups, import jobs), with their labels and properties exactly as stored, to be put back after a first load has replaced the database; key is what put_back_relationships refers to them by.
MATCH (n) WHERE NOT n:Entity
RETURN elementId(n) AS key, labels(n) AS labels, properties(n) AS props
ORDER BY key
SKIP $skip LIMIT $limit
