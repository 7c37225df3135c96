// name: visible_kinds
// mode: read
// params: ids, scope
// purpose: The kind (label other than Entity) of each of the entities $ids that exists and lies in the area scope $scope (see the visible fragment), in one run: a write checks both ends of a relationship with it. An unscoped writer asks entity_labels instead, which does not pay for the scope test.
UNWIND $ids AS id
MATCH (x:Entity {id: id})
WHERE {{> visible x}}
RETURN x.id AS id, [label IN labels(x) WHERE label <> 'Entity'][0] AS kind
