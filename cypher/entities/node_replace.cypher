// name: node_replace
// mode: write
// params: id, props, location
// placeholders: label
// purpose: Replace the properties of one node of a kind (after the API merged and validated an update); a party organization keeps its stored area (resolved_area), which no property changes.
MATCH (n:{{label}} {id: $id})
WITH n, n.resolved_area AS resolved_area
SET n = $props
SET n.location = point($location), n.src_file = 'api', n.src_at = datetime(),
    n.resolved_area = resolved_area
RETURN n.id AS id
