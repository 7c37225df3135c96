// name: report_names
// mode: read
// params: ids
// purpose: The name of each entity of $ids that exists (one row each): what a relationship sheet of an XLSX export shows beside from_id and to_id, and a report's area in its title row.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, n.name AS name
