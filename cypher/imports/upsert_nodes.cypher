// name: upsert_nodes
// mode: write
// params: rows, imported_at
// placeholders: label
// purpose: Create or update a batch of nodes of one label by id (MERGE on the :Entity id constraint); each row reports created, updated or unchanged, and unchanged rows are not written; a party organization keeps its stored area (resolved_area), which no property changes.
UNWIND $rows AS row
OPTIONAL MATCH (old:Entity {id: row.props.id})
WITH row, old, {{> import_node_status old}} AS status
CALL (row, status) {
  WITH row, status WHERE status <> 'unchanged'
  MERGE (n:Entity {id: row.props.id})
  SET n:{{label}}
  WITH n, row, n.resolved_area AS resolved_area
  SET n = row.props
  SET n.location = point(row.location),
      n.src_file = row.src_file, n.src_row = row.src_row, n.src_at = $imported_at,
      n.resolved_area = resolved_area
}
RETURN status, count(*) AS rows
