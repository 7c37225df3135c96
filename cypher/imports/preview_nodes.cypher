// name: preview_nodes
// mode: read
// params: rows
// purpose: The dry run of upsert_nodes: how many rows of a batch it would create, update or leave unchanged, by the same test (the import_node_status fragment), writing nothing.
UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {id: row.props.id})
WITH row, old, {{> import_node_status old}} AS status
RETURN status, count(*) AS rows
