// name: vert_org_chain_broken
// mode: read
// params: as_of, area, skip, limit
// purpose: VERT_ORG_CHAIN_BROKEN: Party organizations other than a working_committee whose chain of current UNDER edges reaches no working_committee. Impact: the organization's current members. Detail: break_at, the last organization its current chain reaches. Area filter: the subject's area (see the CALL that finds it) is $area or lies under it. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // everywhere: the organizations the working committees reach down current UNDER edges
  // (one breadth-first walk), and every other one
  CALL () {
    MATCH (w:PartyOrg {kind: 'working_committee'})
    MATCH chain = (w)<-[:UNDER*0..16]-(x:PartyOrg)
    WHERE all(u IN relationships(chain) WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of))
    WITH DISTINCT x
    RETURN collect(x.id) AS reached
  }
  MATCH (n:PartyOrg)
  WHERE n.kind <> 'working_committee' AND NOT n.id IN reached
  RETURN n
  UNION ALL
  // under an area: the organizations whose stored area (resolved_area) lies there
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind <> 'working_committee'
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)
          (()-[u:UNDER]->() WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of)){1,}
          (:PartyOrg {kind: 'working_committee'})
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
CALL (n) {
  // where the current chain stops: an organization with no current parent
  OPTIONAL MATCH (n) (()-[u:UNDER]->() WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of)){0,} (top:PartyOrg)
  WHERE NOT EXISTS {
    MATCH (top)-[u2:UNDER]->()
    WHERE (u2.since IS NULL OR u2.since <= $as_of) AND (u2.until IS NULL OR u2.until >= $as_of)
  }
  RETURN top ORDER BY top.id LIMIT 1
}
RETURN n.id AS id, n.name AS name, 'PartyOrg' AS kind,
       n.kind AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {break_at_id: top.id, break_at_name: top.name} AS detail,
       total
ORDER BY impact DESC, id
