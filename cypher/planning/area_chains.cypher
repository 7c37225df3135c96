// name: area_chains
// mode: read
// params: ids
// purpose: For each area of $ids, it and every area above it (PART_OF, up to 8 steps), the top first, each as its id and level: the chain the candidates answer reads an entity's pool and its nearness from. Areas that do not exist are left out.
UNWIND $ids AS id
MATCH (a:Area {id: id})
OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
WHERE NOT EXISTS { (top)-[:PART_OF]->() }
WITH a, up ORDER BY length(up) DESC
WITH a, collect(up)[0] AS up
RETURN a.id AS id, [n IN reverse(nodes(up)) | {id: n.id, level: n.level}] AS chain
