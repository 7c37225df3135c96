// name: export_relationships_page
// mode: read
// params: after_from, after_to, after_rel, limit
// placeholders: rel
// purpose: One row, the page as a list (one Bolt record per page, not per row: the driver's cost per record was most of an export's client time). One page of the relationships of a type, in (from id, to id) order after the cursor ($after_from, $after_to, $after_rel); the element id only breaks ties between parallel relationships within one export. Provenance comes back null (see export_nodes_page).
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE a.id >= $after_from
  AND (a.id > $after_from OR b.id > $after_to OR (b.id = $after_to AND elementId(r) > $after_rel))
WITH a.id AS from_id, b.id AS to_id, r, elementId(r) AS rel_id
ORDER BY from_id, to_id, rel_id
LIMIT $limit
RETURN collect({from_id: from_id, to_id: to_id, rel_id: rel_id,
                props: r {.*, src_file: null, src_row: null, src_at: null}}) AS page
