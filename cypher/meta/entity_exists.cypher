// name: entity_exists
// mode: read
// params: id
// purpose: The kind and name of one entity by id (empty when there is none).
MATCH (n:Entity {id: $id})
RETURN n.id AS id, n.name AS name, [label IN labels(n) WHERE label <> 'Entity'][0] AS kind
