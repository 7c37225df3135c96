// name: org_areas_lock
// mode: write
// params:
// purpose: Take the write lock of the schema meta node (the node every write transaction writes last, when it bumps the data version) before a refresh of stored areas reads the graph. Refreshing writes then refresh one at a time, each after the others committed: without it, two concurrent writes on one chain (an organization covering a unit, that unit's building put in an area) could each miss the other's half and both store no area.
MATCH (m:GraphServiceMeta {id: 'schema'})
SET m.areas_refreshed = randomUUID()
