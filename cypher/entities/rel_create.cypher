// name: rel_create
// mode: write
// params: from_id, to_id, props
// placeholders: rel, from_label, to_label
// purpose: Create one relationship between two existing nodes (the caller checked it does not exist yet).
MATCH (a:{{from_label}} {id: $from_id})
MATCH (b:{{to_label}} {id: $to_id})
CREATE (a)-[r:{{rel}}]->(b)
SET r = $props
SET r.src_file = 'api', r.src_at = datetime()
RETURN count(r) AS created
