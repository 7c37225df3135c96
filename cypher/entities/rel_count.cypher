// name: rel_count
// mode: read
// params: from_id, to_id
// placeholders: rel
// purpose: How many relationships of one type pass the filters of rel_list.
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE ($from_id IS NULL OR a.id = $from_id) AND ($to_id IS NULL OR b.id = $to_id)
RETURN count(r) AS total
