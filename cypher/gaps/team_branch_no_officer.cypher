// name: team_branch_no_officer
// mode: read
// params: as_of, area, kinds, skip, limit
// purpose: TEAM_BRANCH_NO_OFFICER: Party organizations of a branch kind (in $kinds) with no current ASSIGNED_TO (instructor or liaison officer). Impact: the branch's current members (MEMBER_OF). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:PartyOrg)
    WHERE n.kind IN $kinds AND NOT (n)<-[:ASSIGNED_TO]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:PartyOrg)<-[r:ASSIGNED_TO]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:PartyOrg)<-[r:ASSIGNED_TO]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.kind IN $kinds AND NOT EXISTS {
      MATCH (:Person)-[a:ASSIGNED_TO]->(n)
      WHERE (a.since IS NULL OR a.since <= $as_of) AND (a.until IS NULL OR a.until >= $as_of)
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  // under an area: the organizations whose stored area (resolved_area) lies there
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:Person)-[a:ASSIGNED_TO]->(n)
    WHERE (a.since IS NULL OR a.since <= $as_of) AND (a.until IS NULL OR a.until >= $as_of)
  }
  RETURN n
}
CALL (n) {
  // a party organization's area is stored on it (see org_areas_refresh)
  OPTIONAL MATCH (stored:Area {id: n.resolved_area})
  RETURN stored AS area
}
WITH n, area
WHERE $area IS NULL OR EXISTS { (area)-[:PART_OF*0..8]->(:Area {id: $area}) }
WITH n, COUNT {
       MATCH (:Person)-[m:MEMBER_OF]->(n)
       WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
     } AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.impact AS impact
CALL (n) {
  // a party organization's area is stored on it (see org_areas_refresh)
  OPTIONAL MATCH (stored:Area {id: n.resolved_area})
  RETURN stored AS area
}
CALL (area) {
  WITH area AS a
  OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
         AS area_path
}
RETURN n.id AS id, n.name AS name, 'PartyOrg' AS kind,
       n.kind AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {} AS detail,
       total
ORDER BY impact DESC, id
