// name: network_nodes
// mode: read
// params: id, as_of, scope, limit
// purpose: The nodes of the network of the area or place $id on $as_of, at most $limit + 1 of them (one more than asked tells the caller it was cut): the core — for an area, the areas of its subtree (up to 8 PART_OF steps), what is LOCATED_IN them (up to 3 steps) and the party organizations whose stored area is one of them; for a place, the place, what is LOCATED_IN it (up to 2 steps) — and the ring: every entity but an area or a meeting with a relationship current on $as_of (the current fragment) to a core node. Only nodes in the area scope $scope (the visible fragment). Core before ring, then by kind (areas, organizations, committees, places, units, stations, service posts, projects, persons), then id, so a cut keeps the structure and drops persons first. Each: id, name, label, kind, level.
MATCH (x:Entity {id: $id})
CALL (x) {
  CALL (x) {
    WITH x WHERE x:Area
    MATCH (x)<-[:PART_OF*0..8]-(a:Area)
    WITH DISTINCT a
    CALL (a) {
      MATCH (a)<-[:LOCATED_IN*0..3]-(c)
      WHERE NOT c:PartyOrg
      RETURN c
      UNION
      MATCH (c:PartyOrg {resolved_area: a.id})
      RETURN c
    }
    RETURN c
    UNION
    WITH x WHERE NOT x:Area
    MATCH (x)<-[:LOCATED_IN*0..2]-(c)
    RETURN c
  }
  WITH DISTINCT c
  CALL (c) {
    RETURN c AS n, 0 AS ring
    UNION
    MATCH (c)-[r]-(n:Entity)
    WHERE NOT n:Area AND NOT n:Meeting AND {{> current r}}
    RETURN n, 1 AS ring
  }
  RETURN n, min(ring) AS ring
}
WITH n, ring
// an admin ($scope null) sees every node: written as a CASE so the planner does not walk
// each node's visible subqueries first (171,674 db hits for a district community, 27,734)
WHERE CASE WHEN $scope IS NULL THEN true ELSE {{> visible n}} END
WITH n, ring, [l IN labels(n) WHERE l <> 'Entity'][0] AS label
ORDER BY ring, CASE label
  WHEN 'Area' THEN 0 WHEN 'PartyOrg' THEN 1 WHEN 'Committee' THEN 2 WHEN 'Building' THEN 3
  WHEN 'Park' THEN 4 WHEN 'Unit' THEN 5 WHEN 'Station' THEN 6 WHEN 'ServicePost' THEN 7
  WHEN 'Project' THEN 8 WHEN 'Person' THEN 9 ELSE 10 END, n.id
LIMIT $limit + 1
RETURN n.id AS id, n.name AS name, label, n.kind AS kind, n.level AS level
