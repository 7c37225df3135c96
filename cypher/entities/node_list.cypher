// name: node_list
// mode: read
// params: kind, name, skip, limit, scope
// placeholders: label
// purpose: A page of nodes of one kind ordered by id, filtered by their kind (or level) property and a part of the name. Unscoped callers only ($scope null); node_list_scoped serves the others.
MATCH (n:{{label}})
WHERE $scope IS NULL AND n.id IS NOT NULL
  AND ($kind IS NULL OR n.kind = $kind OR n.level = $kind)
  AND ($name IS NULL OR n.name CONTAINS $name OR n.name_en CONTAINS $name)
RETURN n {.*, latitude: n.location.latitude, longitude: n.location.longitude} AS item
ORDER BY n.id
SKIP $skip LIMIT $limit
