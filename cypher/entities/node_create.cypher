// name: node_create
// mode: write
// params: props, location
// placeholders: label
// purpose: Create one node of a kind; the :Entity id constraint refuses a duplicate id.
CREATE (n:Entity:{{label}})
SET n = $props
SET n.location = point($location), n.src_file = 'api', n.src_at = datetime()
RETURN n.id AS id
