// name: sched_expired
// mode: read
// params: as_of, area, skip, limit
// purpose: SCHED_EXPIRED: ASSIGNED_TO and PAIRED_WITH relationships whose until is before $as_of. Subject: the target; related: the person or unit. Impact: the target's weight (unit: formal party members; party organization: current members; building/park: units located in it; area: units located in it). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
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
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    CALL (sub) {
      RETURN sub AS n
      UNION
      MATCH (sub)<-[:LOCATED_IN*1..3]-(n)
      RETURN n
    }
    RETURN n
    UNION
    // under an area: the organizations whose stored area (resolved_area) lies there
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    WITH DISTINCT sub
    MATCH (n:PartyOrg {resolved_area: sub.id})
    RETURN n
  }
  WITH DISTINCT n
  MATCH (s)-[r:ASSIGNED_TO|PAIRED_WITH]->(n)
  WHERE r.until < $as_of
  RETURN n, s, r
}
CALL (n) {
  // an area is its own area; a party organization's is found as for TEAM_BRANCH_NO_OFFICER;
  // anything else is in the nearest area it is LOCATED_IN
  WITH n WHERE $area IS NOT NULL
  CALL (n) {
    WITH n WHERE n:Area
    RETURN n AS a, 0 AS way, 0 AS hops
    UNION
    WITH n WHERE n:PartyOrg
    CALL (n) {
      // a party organization's area is stored on it (see org_areas_refresh)
      OPTIONAL MATCH (stored:Area {id: n.resolved_area})
      RETURN stored AS org_area
    }
    WITH org_area WHERE org_area IS NOT NULL
    RETURN org_area AS a, 0 AS way, 0 AS hops
    UNION
    MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
    WHERE NOT n:PartyOrg
    RETURN a, 1 AS way, length(here) AS hops
  }
  WITH a ORDER BY way, hops, a.id
  RETURN collect(a)[0] AS area
}
WITH n, s, r, area
WHERE $area IS NULL OR EXISTS { (area)-[:PART_OF*0..8]->(:Area {id: $area}) }
WITH n, s, r, coalesce(n.formal_party_members, 0) AS declared,
     COUNT {
       MATCH (n:Unit)<-[e:EMPLOYED_BY]-(:Person {party_status: 'formal'})
       WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
     } AS employed,
     COUNT {
       MATCH (n:PartyOrg)<-[m:MEMBER_OF]-(:Person)
       WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
     } AS members,
     COUNT { (n:Building|Park)<-[:LOCATED_IN]-(:Unit) }
       + COUNT { (n:Park)<-[:LOCATED_IN]-(:Building)<-[:LOCATED_IN]-(:Unit) } AS units,
     COUNT {
       MATCH (n:Area)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)
       RETURN DISTINCT u
     } AS area_units
WITH n, s, r, CASE
       WHEN n:Unit THEN CASE WHEN declared >= employed THEN declared ELSE employed END
       WHEN n:PartyOrg THEN members
       WHEN n:Area THEN area_units
       ELSE units
     END AS impact
ORDER BY impact DESC, n.id, s.id
WITH collect({n: n, s: s, r: r, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.s AS s, g.r AS r, g.impact AS impact
CALL (n) {
  // an area is its own area; a party organization's is found as for TEAM_BRANCH_NO_OFFICER;
  // anything else is in the nearest area it is LOCATED_IN
  CALL (n) {
    WITH n WHERE n:Area
    RETURN n AS a, 0 AS way, 0 AS hops
    UNION
    WITH n WHERE n:PartyOrg
    CALL (n) {
      // a party organization's area is stored on it (see org_areas_refresh)
      OPTIONAL MATCH (stored:Area {id: n.resolved_area})
      RETURN stored AS org_area
    }
    WITH org_area WHERE org_area IS NOT NULL
    RETURN org_area AS a, 0 AS way, 0 AS hops
    UNION
    MATCH here = (n)-[:LOCATED_IN*1..3]->(a:Area)
    WHERE NOT n:PartyOrg
    RETURN a, 1 AS way, length(here) AS hops
  }
  WITH a ORDER BY way, hops, a.id
  RETURN collect(a)[0] AS area
}
CALL (area) {
  WITH area AS a
  OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
         AS area_path
}
RETURN n.id AS id, n.name AS name, [l IN labels(n) WHERE l <> 'Entity'][0] AS kind,
       coalesce(n.kind, n.level) AS subkind, area_path,
       s.id AS related_id, s.name AS related_name, impact,
       {relationship: type(r), role: r.role, scheme: r.scheme, since: r.since, until: r.until} AS detail,
       total
ORDER BY impact DESC, id, related_id
