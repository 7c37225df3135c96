// name: node_list
// mode: read
// params: kind, name, after, skip, limit, scope
// placeholders: label
// purpose: A page of nodes of one kind ordered by id, filtered by their kind (or level) property and a part of the name, from the first id after $after (a keyset page: '' for the first page; the id constraint's index seeks to it, so a page deep in the list costs what the first does) and then past $skip rows. Unscoped callers only ($scope null); node_list_scoped serves the others.
MATCH (n:{{label}})
WHERE $scope IS NULL AND n.id > $after
  AND ($kind IS NULL OR n.kind = $kind OR n.level = $kind)
  AND ($name IS NULL OR n.name CONTAINS $name OR n.name_en CONTAINS $name)
RETURN n {.*, latitude: n.location.latitude, longitude: n.location.longitude} AS item
ORDER BY n.id
SKIP $skip LIMIT $limit
