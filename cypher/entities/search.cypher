// name: search
// mode: read
// params: query, limit, scope
// purpose: Entities whose Chinese or English name matches a full-text query (CJK analyzer), best first; only those inside the caller's area scope $scope (null = everything).
CALL db.index.fulltext.queryNodes('entity_names', $query) YIELD node, score
WHERE {{> visible node}}
RETURN node.id AS id, node.name AS name, node.name_en AS name_en,
       [label IN labels(node) WHERE label <> 'Entity'][0] AS kind, score
ORDER BY score DESC, id
LIMIT $limit
