// name: put_back_relationships
// mode: write
// params: rows
// purpose: Create the relationships aside_relationships read between the nodes put_back_nodes created (row.from_id and row.to_id: their new element ids), with their type (dynamic, from the stored graph) and properties as they were.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.from_id
MATCH (b) WHERE elementId(b) = row.to_id
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
RETURN count(r) AS created
