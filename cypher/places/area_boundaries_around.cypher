// name: area_boundaries_around
// mode: read
// params: ids, today
// purpose: For each area of $ids that is stored: its stored boundary, the areas it is PART_OF and those PART_OF it (relationships not ended before $today), each with its boundary (null when it has none): what an import or an API write checks a new boundary against (inside its parent, around its children).
UNWIND $ids AS id
MATCH (a:Area {id: id})
RETURN a.id AS id, a.boundary AS boundary,
       COLLECT {
         MATCH (a)-[r:PART_OF]->(p:Area)
         WHERE r.until IS NULL OR r.until >= $today
         RETURN DISTINCT {id: p.id, boundary: p.boundary}
       } AS parents,
       COLLECT {
         MATCH (a)<-[r:PART_OF]-(c:Area)
         WHERE c.boundary IS NOT NULL AND (r.until IS NULL OR r.until >= $today)
         RETURN DISTINCT {id: c.id, boundary: c.boundary}
       } AS children
