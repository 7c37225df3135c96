// fragment: org_area_dependents
// params:
// purpose: A pattern: the party organization {{node}} may have its area (org_area) through the node x — it reaches x the way its area is found: UNDER (0 to 4 steps) to an organization, then one LOCATED_IN, ESTABLISHED_IN, LEADS or COVERS step or none, then up to 2 LOCATED_IN steps. Whose area a change at x may move: the organizations org_areas_refresh stores again, and those whose area the loss of x may move (weak points). The walk up to x never uses a relationship leaving x, so it finds the same organizations before and after a write there.
(x)<-[:LOCATED_IN*0..2]-()<-[:LOCATED_IN|ESTABLISHED_IN|LEADS|COVERS*0..1]-(:PartyOrg)<-[:UNDER*0..4]-({{node}}:PartyOrg)
