// name: rel_list
// mode: read
// params: from_id, to_id, after_from, after_to, after_since, skip, limit, scope
// placeholders: rel
// purpose: A page of relationships of one type, optionally from or to a given node, ordered by the ends' ids and each pair's terms by start date (no start first), from the first after the key ($after_from, $after_to, $after_since; $after_from null for the first page: a keyset page) and then past $skip rows. Unscoped callers only ($scope null); rel_list_scoped serves the others.
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE $scope IS NULL
  AND ($from_id IS NULL OR a.id = $from_id) AND ($to_id IS NULL OR b.id = $to_id)
  AND ($after_from IS NULL OR a.id > $after_from
       OR (a.id = $after_from AND (b.id > $after_to
           OR (b.id = $after_to AND coalesce(r.since, date({year: 1})) > $after_since))))
RETURN r {.*, from_id: a.id, to_id: b.id} AS item
ORDER BY a.id, b.id, coalesce(r.since, date({year: 1}))
SKIP $skip LIMIT $limit
