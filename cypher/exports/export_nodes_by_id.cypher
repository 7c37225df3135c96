// name: export_nodes_by_id
// mode: read
// params: ids
// placeholders: label
// purpose: One row, the page as a list (one Bolt record per page, not per row: the driver's cost per record was most of an export's client time). The nodes of a label with the ids $ids (a page of an area's export, see export_area_members), in id order; provenance (and a party organization's stored area) comes back null, which spares the driver a datetime per row (a third of an export's client time), and the caller leaves it out.
UNWIND $ids AS id
MATCH (n:{{label}} {id: id})
WITH n ORDER BY n.id
RETURN collect(n {.*, src_file: null, src_row: null, src_at: null, resolved_area: null}) AS page
