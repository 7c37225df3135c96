// name: area_boundaries_set
// mode: write
// params: rows, imported_at
// purpose: Set the boundaries a .geojson file beside an import gives stored areas (rows {id, boundary, src_file, src_row}; the boundary already checked and normalised, domain/boundaries.py); each row reports updated, or unchanged when the area has that boundary already (then nothing is written).
UNWIND $rows AS row
MATCH (a:Area {id: row.id})
WITH a, row, CASE WHEN a.boundary = row.boundary THEN 'unchanged' ELSE 'updated' END AS status
CALL (a, row, status) {
  WITH a, row, status WHERE status = 'updated'
  SET a.boundary = row.boundary, a.src_file = row.src_file, a.src_row = row.src_row,
      a.src_at = $imported_at
}
RETURN status, count(*) AS rows
