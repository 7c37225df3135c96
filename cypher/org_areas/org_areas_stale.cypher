// name: org_areas_stale
// mode: read
// params: limit
// purpose: Party organizations whose stored area (resolved_area) is not the one the graph gives now, at most $limit of them: empty unless a write went around the service. For `graph-service db refresh-areas --check` and the tests.
MATCH (o:PartyOrg)
{{> org_area o}}
WITH o, resolved_area.id AS area_id
WHERE coalesce(o.resolved_area, '') <> coalesce(area_id, '')
RETURN o.id AS id, o.resolved_area AS stored, area_id AS computed
ORDER BY id
LIMIT $limit
