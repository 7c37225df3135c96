// name: export_nodes_page
// mode: read
// params: after, limit
// placeholders: label
// purpose: One row, the page as a list (one Bolt record per page, not per row: the driver's cost per record was most of an export's client time). One page of the nodes of a label, in id order after the id $after (keyset paging on the id index); provenance (and a party organization's stored area) comes back null, which spares the driver a datetime per row (a third of an export's client time), and the caller leaves it out.
MATCH (n:{{label}})
WHERE n.id > $after
WITH n ORDER BY n.id LIMIT $limit
RETURN collect(n {.*, src_file: null, src_row: null, src_at: null, resolved_area: null}) AS page
