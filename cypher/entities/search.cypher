// name: search
// mode: read
// params: query, limit
// purpose: Entities whose Chinese or English name matches a full-text query (CJK analyzer), best first.
CALL db.index.fulltext.queryNodes('entity_names', $query) YIELD node, score
RETURN node.id AS id, node.name AS name, node.name_en AS name_en,
       [label IN labels(node) WHERE label <> 'Entity'][0] AS kind, score
ORDER BY score DESC, id
LIMIT $limit
