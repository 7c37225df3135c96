// name: rel_count
// mode: read
// params: from_id, to_id, scope
// placeholders: rel
// purpose: How many relationships of one type pass the filters of rel_list (unscoped callers only).
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE $scope IS NULL
  AND ($from_id IS NULL OR a.id = $from_id) AND ($to_id IS NULL OR b.id = $to_id)
RETURN count(r) AS total
