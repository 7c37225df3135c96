// name: org_area_sources
// mode: read
// params: id
// purpose: The ids of the nodes with a LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS or UNDER relationship to the node $id: what to refresh (org_areas_refresh) once that node is deleted.
MATCH (:Entity {id: $id})<-[:LOCATED_IN|ESTABLISHED_IN|LEADS|COVERS|UNDER]-(s:Entity)
RETURN DISTINCT s.id AS id
