// name: area_boundaries_preview
// mode: read
// params: rows
// purpose: The dry run of area_boundaries_set: how many of its rows would update a stored area's boundary and how many leave it unchanged, writing nothing.
UNWIND $rows AS row
MATCH (a:Area {id: row.id})
RETURN CASE WHEN a.boundary = row.boundary THEN 'unchanged' ELSE 'updated' END AS status,
       count(*) AS rows
