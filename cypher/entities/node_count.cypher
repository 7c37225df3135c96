// name: node_count
// mode: read
// params: kind, name, scope
// placeholders: label
// purpose: How many nodes of one kind pass the filters of node_list (unscoped callers only).
MATCH (n:{{label}})
WHERE $scope IS NULL
  AND ($kind IS NULL OR n.kind = $kind OR n.level = $kind)
  AND ($name IS NULL OR n.name CONTAINS $name OR n.name_en CONTAINS $name)
RETURN count(n) AS total
