// name: node_get
// mode: read
// params: requests
// requests: id
// placeholders: label
// purpose: Nodes of a kind by id, their properties (location split into latitude/longitude): for each request (an id) that names one, a row naming the request by its index. The caller's area scope is checked apart, with visible_ids: written once for every label, it is planned once, where inline it made each of the 11 labels' plans cost about 240 ms more to make.
UNWIND range(0, size($requests) - 1) AS request
WITH request, $requests[request].id AS id
MATCH (n:{{label}} {id: id})
// Provenance and the point are blanked, not sent: decoding a datetime and a point costs
// the API more than the rest of the record.
RETURN request,
       n {.*, src_file: null, src_row: null, src_at: null, location: null, resolved_area: null} AS props,
       n.location.latitude AS latitude, n.location.longitude AS longitude
