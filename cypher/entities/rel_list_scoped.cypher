// name: rel_list_scoped
// mode: read
// params: from_id, to_id, skip, limit, scope
// placeholders: rel
// purpose: rel_list for a caller limited to the areas $scope: relationships of the type whose two ends both lie inside them, one row: the page (ordered by the ends' ids) and the total.
{{> scope_nodes a}}
WITH a WHERE $from_id IS NULL OR a.id = $from_id
MATCH (a)-[r:{{rel}}]->(b:Entity)
WHERE ($to_id IS NULL OR b.id = $to_id) AND {{> visible b}}
WITH a, r, b ORDER BY a.id, b.id
WITH collect(r {.*, from_id: a.id, to_id: b.id}) AS found
RETURN found[$skip..$skip + $limit] AS items, size(found) AS total
