// name: org_areas_store
// mode: write
// params: after, limit
// purpose: Store the area (resolved_area) of the next $limit party organizations in id order after $after (the whole graph, a page at a time: when the schema is applied and by `graph-service db refresh-areas`). Only organizations whose area changes are written. Returns the last id of the page, how many were looked at and how many changed.
MATCH (o:PartyOrg)
WHERE o.id > $after
WITH o ORDER BY o.id LIMIT $limit
{{> org_area o}}
WITH o, resolved_area.id AS area_id
CALL (o, area_id) {
  WITH o, area_id WHERE coalesce(o.resolved_area, '') <> coalesce(area_id, '')
  SET o.resolved_area = area_id
  RETURN count(*) AS changed
}
RETURN max(o.id) AS last, count(o) AS looked_at, sum(changed) AS changed
