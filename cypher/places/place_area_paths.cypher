// name: place_area_paths
// mode: read
// params: ids
// purpose: Each area of $ids with its path from the top of its tree down to it (area_path: a list of {id, name, level}) and its boundary (a GeoJSON geometry as text, when the area carries one). One row per area found.
MATCH (x:Area) WHERE x.id IN $ids
CALL (x) {
  {{> area_path x}}
}
RETURN x.id AS id, area_path, x.boundary AS boundary
