// name: place_area_boundaries
// mode: read
// params: area
// purpose: The areas in $area's subtree (everywhere when $area is null) that carry a boundary (a GeoJSON Polygon or MultiPolygon as text, WGS-84), with their id, name and level, in id order: the polygons of the GeoJSON export.
MATCH (x:Area)
WHERE x.boundary IS NOT NULL
  AND ($area IS NULL OR EXISTS { {{> areas_under x}} })
RETURN x.id AS id, x.name AS name, x.level AS level, x.boundary AS boundary
ORDER BY id
