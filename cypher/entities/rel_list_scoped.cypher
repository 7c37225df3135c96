// name: rel_list_scoped
// mode: read
// params: rel, from_id, to_id, after_from, after_to, after_since, skip, limit, scope
// purpose: rel_list for a caller limited to the areas $scope: relationships of the type $rel whose two ends both lie inside them, one row: the page (ordered by the ends' ids and each pair's terms by start date, from the first after the key $after_from, $after_to, $after_since as rel_list's, then past $skip rows) and the total of the list. The type is a parameter, not a placeholder: it filters the relationships of what the walk down from the scope found, so one plan serves every type (each type's own plan cost about 340 ms to make).
{{> scope_nodes a}}
WITH a WHERE $from_id IS NULL OR a.id = $from_id
MATCH (a)-[r]->(b:Entity)
WHERE type(r) = $rel AND ($to_id IS NULL OR b.id = $to_id) AND {{> visible b}}
WITH a, r, b ORDER BY a.id, b.id, coalesce(r.since, date({year: 1}))
WITH collect({a: a.id, b: b.id, s: coalesce(r.since, date({year: 1})),
              item: r {.*, from_id: a.id, to_id: b.id}}) AS found
RETURN [row IN [row IN found
                WHERE $after_from IS NULL OR row.a > $after_from
                   OR (row.a = $after_from AND (row.b > $after_to
                       OR (row.b = $after_to AND row.s > $after_since)))][$skip..$skip + $limit]
        | row.item] AS items,
       size(found) AS total
