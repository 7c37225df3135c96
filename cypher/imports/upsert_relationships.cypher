// name: upsert_relationships
// mode: write
// params: rows, imported_at
// placeholders: rel, from_label, to_label
// purpose: Create or update a batch of relationship terms of one type between nodes found by id. Each row names the stored term it replaces by its start date (row.term: the row's own since, or the since of the stored term the import matched it to, see domain/terms.py match_rows); when the pair has no term starting then, the row is a new term. Each row reports created, updated or unchanged, and the start ids of the created ones come back (created_from: what may change a party organization's stored area).
UNWIND $rows AS row
MATCH (a:{{from_label}} {id: row.from_id})
MATCH (b:{{to_label}} {id: row.to_id})
OPTIONAL MATCH (a)-[old:{{rel}}]->(b) WHERE {{> term_named old since=row.term}}
WITH row, a, b, old, {{> import_rel_status old}} AS status
CALL (row, a, b, status) {
  WITH row, a, b, status WHERE status = 'created'
  CREATE (a)-[r:{{rel}}]->(b)
  SET r = row.props
  SET r.src_file = row.src_file, r.src_row = row.src_row, r.src_at = $imported_at
}
CALL (row, old, status) {
  WITH row, old, status WHERE status = 'updated'
  SET old = row.props
  SET old.src_file = row.src_file, old.src_row = row.src_row, old.src_at = $imported_at
}
RETURN status, count(*) AS rows, collect(CASE WHEN status = 'created' THEN row.from_id END) AS created_from
