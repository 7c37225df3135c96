// name: portfolio
// mode: read
// params: id, as_of
// purpose: Everything the person or unit $id supports on $as_of: one row per supported entity and channel (the reverse of supporters).
MATCH (s:Entity {id: $id})
CALL (s) {
  MATCH (s)-[a:ASSIGNED_TO]->(t)
  WHERE (a.since IS NULL OR a.since <= $as_of) AND (a.until IS NULL OR a.until >= $as_of)
  RETURN t AS target, a.role AS channel, a.since AS since, a.until AS until
  UNION ALL
  MATCH (s)-[c:COVERS|ESTABLISHED_IN]->(t)
  WHERE (c.since IS NULL OR c.since <= $as_of) AND (c.until IS NULL OR c.until >= $as_of)
  RETURN t AS target, CASE type(c) WHEN 'COVERS' THEN 'covering_org' ELSE 'own_org' END AS channel,
         c.since AS since, c.until AS until
  UNION ALL
  MATCH (s)-[pw:PAIRED_WITH]->(t)
  WHERE (pw.since IS NULL OR pw.since <= $as_of) AND (pw.until IS NULL OR pw.until >= $as_of)
  RETURN t AS target, 'paired_organ' AS channel, pw.since AS since, pw.until AS until
  UNION ALL
  MATCH (s)-[m:MEMBER_UNIT_OF]->(t:Committee)
  WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
  RETURN t AS target, 'member_unit' AS channel, m.since AS since, m.until AS until
  UNION ALL
  MATCH (s)-[cl:CLAIMED]->(:Project)-[:SERVES]->(t)
  WHERE (cl.since IS NULL OR cl.since <= $as_of) AND (cl.until IS NULL OR cl.until >= $as_of)
  RETURN t AS target, 'claiming_unit' AS channel, coalesce(cl.since, cl.signed) AS since, cl.until AS until
  UNION ALL
  MATCH (s)-[r:REPORTED_TO]->(t)
  WHERE (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
  RETURN t AS target, 'registered_member' AS channel, coalesce(r.since, r.date) AS since, r.until AS until
  UNION ALL
  MATCH (s)-[h:HOLDS]->(:ServicePost)-[:LOCATED_IN]->(t)
  WHERE (h.since IS NULL OR h.since <= $as_of) AND (h.until IS NULL OR h.until >= $as_of)
  RETURN t AS target, 'service_post' AS channel, h.since AS since, h.until AS until
  UNION ALL
  MATCH (s)-[v:VOLUNTEERS_IN]->(t)
  WHERE (v.since IS NULL OR v.since <= $as_of) AND (v.until IS NULL OR v.until >= $as_of)
  RETURN t AS target, 'volunteer' AS channel, v.since AS since, v.until AS until
  UNION ALL
  MATCH (s)-[so:SERVES_ON]->(t)
  WHERE (so.since IS NULL OR so.since <= $as_of) AND (so.until IS NULL OR so.until >= $as_of)
  RETURN t AS target, 'part_time_member' AS channel, so.since AS since, so.until AS until
}
RETURN target.id AS id, target.name AS name,
       [label IN labels(target) WHERE label <> 'Entity'][0] AS kind,
       channel, since, until
ORDER BY channel, id
