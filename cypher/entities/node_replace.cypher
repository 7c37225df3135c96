// name: node_replace
// mode: write
// params: id, props, location
// placeholders: label
// purpose: Replace the properties of one node of a kind (after the API merged and validated an update).
MATCH (n:{{label}} {id: $id})
SET n = $props
SET n.location = point($location), n.src_file = 'api', n.src_at = datetime()
RETURN n.id AS id
