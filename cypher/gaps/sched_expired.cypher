// rule: SCHED_EXPIRED
// params: as_of, area
// carries: s, r
// related: s
// detail: {relationship: type(r), role: r.role, scheme: r.scheme, since: r.since, until: r.until}
// purpose: ASSIGNED_TO and PAIRED_WITH terms whose until is before $as_of and which no later term of the same pair, begun by $as_of, follows (a renewal: see domain/terms.py). Subject: the target; related: the person or unit. Impact: the target's weight (unit: formal party members; party organization: current members; building/park: units located in it; area: units located in it). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (s)-[r:ASSIGNED_TO]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
  UNION ALL
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (s)-[r:PAIRED_WITH]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
  UNION ALL
  CALL () {
    // under an area: the areas themselves and what is located there
    MATCH {{> areas_under sub:Area}}
    CALL (sub) {
      RETURN sub AS n
      UNION
      MATCH (sub)<-[:LOCATED_IN*1..3]-(n)
      RETURN n
    }
    RETURN n
    UNION
    // under an area: the organizations whose stored area (resolved_area) lies there
    MATCH {{> areas_under sub:Area}}
    WITH DISTINCT sub
    MATCH (n:PartyOrg {resolved_area: sub.id})
    RETURN n
  }
  WITH DISTINCT n
  MATCH (s)-[r:ASSIGNED_TO|PAIRED_WITH]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
}
// a term renewed by a later one of the same pair, begun by $as_of, is history, not a gap
WITH n, s, r
WHERE NOT EXISTS {
  MATCH (s)-[later]->(n)
  WHERE later <> r AND type(later) = type(r) AND later.since > r.until AND later.since <= $as_of
}
