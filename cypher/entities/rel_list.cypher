// name: rel_list
// mode: read
// params: from_id, to_id, skip, limit
// placeholders: rel
// purpose: A page of relationships of one type, optionally from or to a given node, ordered by the ends' ids.
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE ($from_id IS NULL OR a.id = $from_id) AND ($to_id IS NULL OR b.id = $to_id)
RETURN r {.*, from_id: a.id, to_id: b.id} AS item
ORDER BY a.id, b.id
SKIP $skip LIMIT $limit
