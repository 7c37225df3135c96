// name: session_areas
// mode: read
// params: ids
// purpose: The id and name of the areas $ids, sorted by id; with $ids null, the top areas (part of no other area), for an admin, who sees the whole graph.
MATCH (a:Area)
WHERE CASE WHEN $ids IS NULL THEN NOT EXISTS { (a)-[:PART_OF]->(:Area) }
           ELSE a.id IN $ids END
RETURN a.id AS id, a.name AS name
ORDER BY a.id
