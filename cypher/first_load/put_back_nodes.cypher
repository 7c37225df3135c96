// name: put_back_nodes
// mode: write
// params: rows
// purpose: Create the nodes aside_nodes read, after a first load replaced the database: each with its labels (dynamic labels, from the stored graph, never from input) and properties as they were; returns each one's new element id under its old key.
UNWIND $rows AS row
CREATE (n:$(row.labels))
SET n = row.props
RETURN row.key AS key, elementId(n) AS element_id
