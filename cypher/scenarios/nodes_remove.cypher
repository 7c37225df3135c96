// name: nodes_remove
// mode: write
// params: ids
// purpose: Delete the nodes $ids with their relationships, as node_delete does one at a time (weak points weigh several losses in one what-if): each node's id, how many relationships went with it, and the start nodes of the LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS or UNDER relationships that ended at it (as org_area_sources gives them, read before any is deleted), which org_areas_refresh then takes.
UNWIND $ids AS id
MATCH (n:Entity {id: id})
CALL (n) {
  OPTIONAL MATCH (n)<-[:LOCATED_IN|ESTABLISHED_IN|LEADS|COVERS|UNDER]-(s:Entity)
  RETURN collect(DISTINCT s.id) AS sources
}
WITH collect({node: n, id: id, sources: sources, relationships: COUNT { (n)--() }}) AS found
UNWIND found AS one
WITH one, one.node AS n
DETACH DELETE n
RETURN one.id AS id, one.relationships AS relationships, one.sources AS sources
