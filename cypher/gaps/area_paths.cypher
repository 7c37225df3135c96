// name: area_paths
// mode: read
// params: ids
// purpose: The path from the top area down to each area of $ids (the areas of a page of gaps): one row per area found, its path as a list of {id, name, level}, top first. Planned once for every rule, where each list query returns only its rows' area_id.
UNWIND $ids AS wanted
MATCH (a:Area {id: wanted})
OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
WHERE NOT EXISTS { (top)-[:PART_OF]->() }
WITH wanted, up ORDER BY length(up) DESC
WITH wanted, collect(up)[0] AS up
RETURN wanted AS id,
       [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}] AS area_path
