// name: org_areas_refresh
// mode: write
// params: ids
// purpose: Store again the area (resolved_area) of every party organization whose area may depend on the nodes $ids: the start nodes of LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS or UNDER relationships a write has just created or deleted (or, for a deleted node, the start nodes of those that ended at it). Such an organization reaches one of them the way its area is found (the fragment org_area_dependents). Only organizations whose area changes are written. Returns how many were looked at, and each changed organization with its area before and after (for the caller's scope check: an area-scoped write may move no organization's area into or out of its areas).
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  MATCH {{> org_area_dependents o}}
  RETURN DISTINCT o
}
WITH DISTINCT o
{{> org_area o}}
WITH o, resolved_area.id AS area_id
CALL (o, area_id) {
  WITH o, area_id, o.resolved_area AS before
  WHERE coalesce(before, '') <> coalesce(area_id, '')
  SET o.resolved_area = area_id
  RETURN collect({id: o.id, before: before, after: area_id}) AS changed
}
RETURN count(o) AS looked_at, [c IN collect(changed) WHERE size(c) > 0 | c[0]] AS changes
