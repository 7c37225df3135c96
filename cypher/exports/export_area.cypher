// name: export_area
// mode: read
// params: id
// purpose: The area $id, if there is one (the root of an area export).
MATCH (root:Area {id: $id})
RETURN root.id AS id, root.name AS name
