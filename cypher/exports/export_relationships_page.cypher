// name: export_relationships_page
// mode: read
// params: after_from, after_to, after_rel, limit
// placeholders: rel
// purpose: One page of the relationships of a type, in (from id, to id) order after the cursor ($after_from, $after_to, $after_rel); the element id only breaks ties between parallel relationships within one export. Provenance comes back null (see export_nodes_page).
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE a.id >= $after_from
  AND (a.id > $after_from OR b.id > $after_to OR (b.id = $after_to AND elementId(r) > $after_rel))
RETURN a.id AS from_id, b.id AS to_id, r {.*, src_file: null, src_row: null, src_at: null} AS props, elementId(r) AS rel_id
ORDER BY from_id, to_id, rel_id
LIMIT $limit
