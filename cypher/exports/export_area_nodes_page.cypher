// name: export_area_nodes_page
// mode: read
// params: area, after, limit
// placeholders: label
// purpose: One page of the nodes of a label in the export of the area $area, in id order after $after. A node is in it if it is "core" — it reaches $area by an optional COVERS, ESTABLISHED_IN or LEADS step, then LOCATED_IN steps, then PART_OF steps (the area and its descendants; what is located in them, through buildings and parks; organizations covering, established in or leading such a thing) — or if it is a person, project or meeting with a relationship to a core node. Keep in step with export_area_relationships_page.
MATCH (x:{{label}})
WHERE x.id > $after
  AND (
    $area IN [(x)-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(top:Area) | top.id]
    OR ((x:Person OR x:Project OR x:Meeting) AND EXISTS {
      MATCH (x)--(m)
      WHERE $area IN [(m)-[:COVERS|ESTABLISHED_IN|LEADS*0..1]->()-[:LOCATED_IN*0..3]->(:Area)-[:PART_OF*0..8]->(top:Area) | top.id] })
  )
RETURN properties(x) AS props
ORDER BY x.id
LIMIT $limit
