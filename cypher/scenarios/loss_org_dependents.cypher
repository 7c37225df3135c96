// name: loss_org_dependents
// mode: read
// params: ids, area
// purpose: For each node of $ids (the persons and units weak points weigh): the party organizations whose area may depend on it (the fragment org_area_dependents, the walk org_areas_refresh stores again after a delete), and whether each one's stored area (resolved_area) lies in $area's subtree. The loss of such a node may move them into or out of the area; of any other node, none.
CALL () {
  MATCH {{> areas_under sub:Area}}
  RETURN collect(sub.id) AS inside
}
UNWIND $ids AS id
MATCH (x:Entity {id: id})
MATCH {{> org_area_dependents o}}
WITH DISTINCT x, o, inside
RETURN x.id AS id, o.id AS org, o.resolved_area IN inside AS inside
