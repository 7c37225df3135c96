// name: node_get
// mode: read
// params: id, scope
// placeholders: label
// purpose: One node of a kind by id, its properties (location split into latitude/longitude); nothing when it lies outside the caller's area scope $scope (null = everything).
MATCH (n:{{label}} {id: $id})
WHERE {{> visible n}}
// Provenance and the point are blanked, not sent: decoding a datetime and a point costs
// the API more than the rest of the record.
RETURN n {.*, src_file: null, src_row: null, src_at: null, location: null, resolved_area: null} AS props,
       n.location.latitude AS latitude, n.location.longitude AS longitude
