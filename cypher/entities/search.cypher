// name: search
// mode: read
// params: query, skip, limit, scope
// purpose: Entities whose Chinese or English name matches a full-text query (CJK analyzer), best first, past $skip of them (a page of the hits; the index answers them ranked, so the offset costs what the hits before it cost); only those inside the caller's area scope $scope (null = everything).
CALL db.index.fulltext.queryNodes('entity_names', $query) YIELD node, score
WHERE {{> visible node}}
RETURN node.id AS id, node.name AS name, node.name_en AS name_en,
       [label IN labels(node) WHERE label <> 'Entity'][0] AS kind, score
ORDER BY score DESC, id
SKIP $skip LIMIT $limit
