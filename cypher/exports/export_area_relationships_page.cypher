// name: export_area_relationships_page
// mode: read
// params: area, after_from, after_to, after_rel, limit
// placeholders: rel
// purpose: One page of the relationships of a type whose two ends are both in the export of the area $area (the rule of export_area_nodes_page, kept in step), in (from id, to id) order after the cursor.
MATCH (a:Entity)-[r:{{rel}}]->(b:Entity)
WHERE a.id >= $after_from
  AND (a.id > $after_from OR b.id > $after_to OR (b.id = $after_to AND elementId(r) > $after_rel))
  AND all(x IN [a, b] WHERE
    $area IN [(x)-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(top:Area) | top.id]
    OR ((x:Person OR x:Project OR x:Meeting) AND EXISTS {
      MATCH (x)--(m)
      WHERE $area IN [(m)-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(top:Area) | top.id] }))
RETURN a.id AS from_id, b.id AS to_id, properties(r) AS props, elementId(r) AS rel_id
ORDER BY from_id, to_id, rel_id
LIMIT $limit
