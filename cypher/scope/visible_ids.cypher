// name: visible_ids
// mode: read
// params: requests
// requests: ids, scope
// purpose: For each request (ids, scope): which of the entity ids exist and lie in the area scope (see the visible fragment); one row each, naming the request by its index.
UNWIND range(0, size($requests) - 1) AS request
WITH request, $requests[request] AS req
CALL (req) {
  UNWIND req.ids AS wanted
  MATCH (x:Entity {id: wanted})
  WHERE {{> visible x scope=req.scope}}
  RETURN collect(DISTINCT x.id) AS visible
}
RETURN request, visible
