// name: supporters
// mode: read
// params: requests
// requests: id, as_of, skip, limit
// purpose: For each request (id, as_of, skip, limit): who supports the entity id, through which channel, by what path, valid on as_of. No row when there is no entity id; else one row, naming the request by its index: target (its id, name and kind, as entity_exists gives them), total (supporter-channel pairs), by_channel (a {channel, count} for each channel found) and page — the pairs [skip, skip + limit) by channel then id, each with path (a list of {id, name, kind} from the supporter to the entity) and rels (the relationship types along it). A community has hundreds of supporters: only the page's paths are built.
UNWIND range(0, size($requests) - 1) AS request
// one request at a time: each gets its own row, its supporters counted apart
CALL (request) {
  WITH $requests[request] AS req
  MATCH (x:Entity {id: req.id})  // none: no row for this request
  // the supporters found, in order: one row, an empty list when there are none
  CALL (x, req) {
    CALL (x, req) {
      // instructors and liaison officers assigned to it
      MATCH (p:Person)-[a:ASSIGNED_TO]->(x)
      WHERE (a.since IS NULL OR a.since <= req.as_of) AND (a.until IS NULL OR a.until >= req.as_of)
      RETURN p AS supporter, a.role AS channel, [p, x] AS nodes, ['ASSIGNED_TO'] AS rels,
             a.since AS since, a.until AS until
      UNION ALL
      // party organizations covering it (a building, park or unit), or established in it
      MATCH (o:PartyOrg)-[c:COVERS|ESTABLISHED_IN]->(x)
      WHERE (c.since IS NULL OR c.since <= req.as_of) AND (c.until IS NULL OR c.until >= req.as_of)
      RETURN o AS supporter, CASE type(c) WHEN 'COVERS' THEN 'covering_org' ELSE 'own_org' END AS channel,
             [o, x] AS nodes, [type(c)] AS rels, c.since AS since, c.until AS until
      UNION ALL
      // a unit in a covered building or park
      MATCH (x:Unit)-[:LOCATED_IN]->(place)<-[c:COVERS]-(o:PartyOrg)
      WHERE (c.since IS NULL OR c.since <= req.as_of) AND (c.until IS NULL OR c.until >= req.as_of)
      RETURN o AS supporter, 'covering_org' AS channel, [o, place, x] AS nodes,
             ['COVERS', 'LOCATED_IN'] AS rels, c.since AS since, c.until AS until
      UNION ALL
      // organs paired with it
      MATCH (u:Unit)-[pw:PAIRED_WITH]->(x)
      WHERE (pw.since IS NULL OR pw.since <= req.as_of) AND (pw.until IS NULL OR pw.until >= req.as_of)
      RETURN u AS supporter, 'paired_organ' AS channel, [u, x] AS nodes, ['PAIRED_WITH'] AS rels,
             pw.since AS since, pw.until AS until
      UNION ALL
      // member units of the committee itself
      MATCH (u:Unit)-[m:MEMBER_UNIT_OF]->(x:Committee)
      WHERE (m.since IS NULL OR m.since <= req.as_of) AND (m.until IS NULL OR m.until >= req.as_of)
      RETURN u AS supporter, 'member_unit' AS channel, [u, x] AS nodes, ['MEMBER_UNIT_OF'] AS rels,
             m.since AS since, m.until AS until
      UNION ALL
      // member units of a committee located in it (an area). Two branches, not one with
      // `c = x OR (c)-[:LOCATED_IN]->(x)`: the OR made the planner scan every committee.
      MATCH (u:Unit)-[m:MEMBER_UNIT_OF]->(c:Committee)-[:LOCATED_IN]->(x)
      WHERE (m.since IS NULL OR m.since <= req.as_of) AND (m.until IS NULL OR m.until >= req.as_of)
      RETURN u AS supporter, 'member_unit' AS channel, [u, c, x] AS nodes,
             ['MEMBER_UNIT_OF', 'LOCATED_IN'] AS rels, m.since AS since, m.until AS until
      UNION ALL
      // units that claimed a project serving it
      MATCH (u:Unit)-[cl:CLAIMED]->(pr:Project)-[:SERVES]->(x)
      WHERE (cl.since IS NULL OR cl.since <= req.as_of) AND (cl.until IS NULL OR cl.until >= req.as_of)
      RETURN u AS supporter, 'claiming_unit' AS channel, [u, pr, x] AS nodes,
             ['CLAIMED', 'SERVES'] AS rels, coalesce(cl.since, cl.signed) AS since, cl.until AS until
      UNION ALL
      // in-service members registered with it
      MATCH (p:Person)-[r:REPORTED_TO]->(x)
      WHERE (r.since IS NULL OR r.since <= req.as_of) AND (r.until IS NULL OR r.until >= req.as_of)
      RETURN p AS supporter, 'registered_member' AS channel, [p, x] AS nodes, ['REPORTED_TO'] AS rels,
             coalesce(r.since, r.date) AS since, r.until AS until
      UNION ALL
      // people holding a service post in it
      MATCH (p:Person)-[h:HOLDS]->(sp:ServicePost)-[:LOCATED_IN]->(x)
      WHERE (h.since IS NULL OR h.since <= req.as_of) AND (h.until IS NULL OR h.until >= req.as_of)
      RETURN p AS supporter, 'service_post' AS channel, [p, sp, x] AS nodes,
             ['HOLDS', 'LOCATED_IN'] AS rels, h.since AS since, h.until AS until
      UNION ALL
      // volunteers
      MATCH (p:Person)-[v:VOLUNTEERS_IN]->(x)
      WHERE (v.since IS NULL OR v.since <= req.as_of) AND (v.until IS NULL OR v.until >= req.as_of)
      RETURN p AS supporter, 'volunteer' AS channel, [p, x] AS nodes, ['VOLUNTEERS_IN'] AS rels,
             v.since AS since, v.until AS until
      UNION ALL
      // part-time members serving on it (a committee)
      MATCH (p:Person)-[s:SERVES_ON]->(x)
      WHERE (s.since IS NULL OR s.since <= req.as_of) AND (s.until IS NULL OR s.until >= req.as_of)
      RETURN p AS supporter, 'part_time_member' AS channel, [p, x] AS nodes, ['SERVES_ON'] AS rels,
             s.since AS since, s.until AS until
      UNION ALL
      // the parent organization of a party organization
      MATCH (x:PartyOrg)-[un:UNDER]->(parent:PartyOrg)
      WHERE (un.since IS NULL OR un.since <= req.as_of) AND (un.until IS NULL OR un.until >= req.as_of)
      RETURN parent AS supporter, 'parent_org' AS channel, [parent, x] AS nodes, ['UNDER'] AS rels,
             un.since AS since, un.until AS until
    }
    WITH supporter, channel, nodes, rels, since, until
    ORDER BY channel, supporter.id, since
    RETURN collect({supporter: supporter, channel: channel, nodes: nodes, rels: rels,
                    since: since, until: until}) AS found
  }
  CALL (found) {
    UNWIND found AS r
    WITH r.channel AS channel, count(*) AS n
    RETURN collect({channel: channel, count: n}) AS by_channel
  }
  RETURN {id: x.id, name: x.name, kind: [label IN labels(x) WHERE label <> 'Entity'][0]} AS target,
         size(found) AS total, by_channel,
         [r IN found[req.skip..req.skip + req.limit] | {
            id: r.supporter.id, name: r.supporter.name,
            kind: [label IN labels(r.supporter) WHERE label <> 'Entity'][0],
            channel: r.channel,
            path: [n IN r.nodes | {id: n.id, name: n.name,
                                   kind: [l IN labels(n) WHERE l <> 'Entity'][0]}],
            rels: r.rels, since: r.since, until: r.until}] AS page
}
RETURN request, target, total, by_channel, page
