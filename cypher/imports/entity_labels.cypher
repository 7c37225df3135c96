// name: entity_labels
// mode: read
// params: ids
// purpose: The kind (label other than Entity) of each given id that exists in the database.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n.id AS id, [label IN labels(n) WHERE label <> 'Entity'][0] AS label
