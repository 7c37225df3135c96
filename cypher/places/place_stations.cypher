// name: place_stations
// mode: read
// params:
// purpose: Every station (党群服务中心/站) that has coordinates, with its own service radius in metres when it has one (radius_m), in id order: the circles the station plan and the map draw. Stations are few (one or two a community), so the whole graph's are read.
MATCH (n:Station)
WHERE n.location IS NOT NULL
CALL (n) {
  OPTIONAL MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
  WITH a ORDER BY length(here), a.id LIMIT 1
  RETURN a.id AS area_id
}
RETURN n.id AS id, n.name AS name, 'Station' AS label, n.kind AS kind,
       n.location.latitude AS latitude, n.location.longitude AS longitude, area_id,
       null AS formal_party_members, n.radius_m AS radius_m
ORDER BY id
