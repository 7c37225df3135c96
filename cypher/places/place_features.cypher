// name: place_features
// mode: read
// params: area
// purpose: Every building, park, unit, station and service post that has coordinates (a WGS-84 location), in $area's subtree (LOCATED_IN, up to 3 steps, an area that is $area or under it) or everywhere ($area null), in id order: its id, name, label, kind, latitude, longitude, the id of the nearest area it is LOCATED_IN, and its formal party members (units). What the GeoJSON export draws; the area paths are asked once per area (place_area_paths).
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n)
  WHERE (n:Building OR n:Park OR n:Unit OR n:Station OR n:ServicePost) AND n.location IS NOT NULL
  RETURN n
  UNION
  MATCH {{> located_under n}}
  WHERE (n:Building OR n:Park OR n:Unit OR n:Station OR n:ServicePost) AND n.location IS NOT NULL
  RETURN n
}
CALL (n) {
  OPTIONAL MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
  WITH a ORDER BY length(here), a.id LIMIT 1
  RETURN a.id AS area_id
}
RETURN n.id AS id, n.name AS name,
       [label IN labels(n) WHERE label IN ['Building', 'Park', 'Unit', 'Station', 'ServicePost']][0]
         AS label,
       n.kind AS kind, n.location.latitude AS latitude, n.location.longitude AS longitude,
       area_id, n.formal_party_members AS formal_party_members, n.radius_m AS radius_m
ORDER BY id
