// name: node_list_scoped
// mode: read
// params: label, kind, name, after, skip, limit, scope
// purpose: node_list for a caller limited to the areas $scope: the nodes with the label $label inside them, one row: the page (ordered by id, from the first id after $after, then past $skip rows) and the total of the list. The label is a parameter, not a placeholder: it filters what the walk down from the scope found, so one plan serves every label (each label's own plan cost about 200 ms to make).
{{> scope_nodes n}}
WITH n WHERE $label IN labels(n) AND n.id IS NOT NULL
  AND ($kind IS NULL OR n.kind = $kind OR n.level = $kind)
  AND ($name IS NULL OR n.name CONTAINS $name OR n.name_en CONTAINS $name)
WITH n ORDER BY n.id
WITH collect(n) AS found
RETURN [n IN [n IN found WHERE n.id > $after][$skip..$skip + $limit]
        | n {.*, latitude: n.location.latitude, longitude: n.location.longitude}] AS items,
       size(found) AS total
