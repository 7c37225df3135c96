// name: export_nodes_by_id
// mode: read
// params: ids
// placeholders: label
// purpose: The nodes of a label with the ids $ids (a page of an area's export, see export_area_members), in id order; provenance is left out by the caller.
UNWIND $ids AS id
MATCH (n:{{label}} {id: id})
RETURN properties(n) AS props
ORDER BY n.id
