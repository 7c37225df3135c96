// name: export_nodes_page
// mode: read
// params: after, limit
// placeholders: label
// purpose: One page of the nodes of a label, in id order after the id $after (keyset paging on the id index); provenance is left out by the caller.
MATCH (n:{{label}})
WHERE n.id > $after
RETURN properties(n) AS props
ORDER BY n.id
LIMIT $limit
