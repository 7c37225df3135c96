// fragment: area_path
// params:
// purpose: The end of a subquery that finds the area {{node}}'s path from the top of its tree down to it, as area_path (a list of {id, name, level}; empty when {{node}} is null). What every gap row shows of where its subject is.
OPTIONAL MATCH up = ({{node}})-[:PART_OF*0..8]->(top:Area)
WHERE NOT EXISTS { (top)-[:PART_OF]->() }
WITH up ORDER BY length(up) DESC LIMIT 1
RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
       AS area_path
