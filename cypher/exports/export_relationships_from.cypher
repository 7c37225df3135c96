// name: export_relationships_from
// mode: read
// params: ids
// placeholders: rel
// purpose: One row, the page as a list (one Bolt record per page, not per row: the driver's cost per record was most of an export's client time). The relationships of a type that start at the nodes with the ids $ids (a page of an area's export, see export_area_members), in (from id, to id) order, the element id breaking ties between parallel relationships; the caller keeps those whose other end is exported too. Provenance comes back null (see export_nodes_page).
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r:{{rel}}]->(b:Entity)
WITH a.id AS from_id, b.id AS to_id, r, elementId(r) AS rel_id
ORDER BY from_id, to_id, rel_id
RETURN collect({from_id: from_id, to_id: to_id, rel_id: rel_id,
                props: r {.*, src_file: null, src_row: null, src_at: null}}) AS page
