// name: node_list_scoped
// mode: read
// params: kind, name, skip, limit, scope
// placeholders: label
// purpose: node_list for a caller limited to the areas $scope: the nodes of the kind inside them, one row: the page (ordered by id) and the total.
{{> scope_nodes n}}
WITH n WHERE n:{{label}} AND n.id IS NOT NULL
  AND ($kind IS NULL OR n.kind = $kind OR n.level = $kind)
  AND ($name IS NULL OR n.name CONTAINS $name OR n.name_en CONTAINS $name)
WITH n ORDER BY n.id
WITH collect(n) AS found
RETURN [n IN found[$skip..$skip + $limit]
        | n {.*, latitude: n.location.latitude, longitude: n.location.longitude}] AS items,
       size(found) AS total
