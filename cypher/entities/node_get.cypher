// name: node_get
// mode: read
// params: id
// placeholders: label
// purpose: One node of a kind by id, its properties (location split into latitude/longitude). The caller's area scope is checked apart, with visible_ids: written once for every label, it is planned once, where inline it made each of the 11 labels' plans cost about 240 ms more to make.
MATCH (n:{{label}} {id: $id})
// Provenance and the point are blanked, not sent: decoding a datetime and a point costs
// the API more than the rest of the record.
RETURN n {.*, src_file: null, src_row: null, src_at: null, location: null, resolved_area: null} AS props,
       n.location.latitude AS latitude, n.location.longitude AS longitude
