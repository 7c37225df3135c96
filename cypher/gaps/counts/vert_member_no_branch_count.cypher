// name: vert_member_no_branch_count
// mode: read
// params: area, areas, as_of
// purpose: How many VERT_MEMBER_NO_BRANCH gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as vert_member_no_branch.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Person)
    WHERE n.party_status IN ['formal', 'probationary'] AND NOT (n)-[:MEMBER_OF]->()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Person)-[r:MEMBER_OF]->()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Person)-[r:MEMBER_OF]->()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.party_status IN ['formal', 'probationary'] AND NOT EXISTS {
      MATCH (n)-[m:MEMBER_OF]->(:PartyOrg)
      WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  // under an area: persons employed, holding a post, registered or volunteering there, and
  // the members, past or present, of the organizations whose stored area lies there; one
  // walk down from each area (a walk per kind, and the areas repeated, doubled the time)
  // (no :Person on n: these relationships start only at persons, as the import and the API
  // check, and testing the label on each of the ~19k rows of a city subdistrict cost 10%)
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  WITH DISTINCT sub
  CALL (sub) {
    MATCH (sub)<-[:LOCATED_IN*1..3]-(x:Unit|ServicePost)
    MATCH (x)<-[:EMPLOYED_BY|HOLDS]-(n)
    RETURN n, false AS current
    UNION ALL
    MATCH (sub)<-[:REPORTED_TO|VOLUNTEERS_IN]-(n)
    RETURN n, false AS current
    UNION ALL
    MATCH (:PartyOrg {resolved_area: sub.id})<-[m:MEMBER_OF]-(n)
    RETURN n, (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
              AS current
  }
  // most are members, now, of an organization of the area: known without another look
  WITH n, collect(current) AS currents
  WITH n WHERE NOT true IN currents AND n.party_status IN ['formal', 'probationary']
  // MEMBER_OF ends only at party organizations (the import and the API check it)
  WITH n WHERE NOT EXISTS {
    MATCH (n)-[m:MEMBER_OF]->()
    WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
  }
  RETURN n
}
CALL (n) {
  // a person's area: the current employer's, else the area they currently REPORTED_TO,
  // else the area of their latest party organization, else where they volunteer or hold
  // a service post
  WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
  CALL (n) {
    MATCH here = (n)-[e:EMPLOYED_BY]->(:Unit)-[:LOCATED_IN*1..3]->(a:Area)
    WHERE (e.since IS NULL OR e.since <= $as_of) AND (e.until IS NULL OR e.until >= $as_of)
    RETURN a, 0 AS way, null AS recent, length(here) AS hops
    UNION
    MATCH (n)-[r:REPORTED_TO]->(a:Area)
    WHERE (r.since IS NULL OR r.since <= $as_of) AND (r.until IS NULL OR r.until >= $as_of)
    RETURN a, 1 AS way, null AS recent, 1 AS hops
    UNION
    MATCH (n)-[m:MEMBER_OF]->(org:PartyOrg)
    CALL (org) {
      // a party organization's area is stored on it (see org_areas_refresh)
      OPTIONAL MATCH (stored:Area {id: org.resolved_area})
      RETURN stored AS org_area
    }
    WITH m, org_area WHERE org_area IS NOT NULL
    RETURN org_area AS a, 2 AS way, coalesce(m.until, m.since) AS recent, 0 AS hops
    UNION
    MATCH (n)-[:VOLUNTEERS_IN]->(a:Area)
    RETURN a, 3 AS way, null AS recent, 1 AS hops
    UNION
    MATCH here = (n)-[:HOLDS]->(:ServicePost)-[:LOCATED_IN*1..3]->(a:Area)
    RETURN a, 4 AS way, null AS recent, length(here) AS hops
  }
  WITH a ORDER BY way, recent DESC, hops, a.id
  RETURN collect(a)[0] AS area
}
// many gaps share an area: the areas above each area are found once
WITH area, count(*) AS gaps_here
CALL (area) {
  // the areas the subject lies in: its area and every area above
  MATCH (area)-[:PART_OF*0..8]->(x:Area)
  RETURN collect(DISTINCT x.id) AS within
}
WITH collect({within: within, gaps: gaps_here}) AS places
UNWIND $areas AS area_id
RETURN area_id AS area,
       reduce(total = 0, p IN places |
              total + CASE WHEN area_id IS NULL OR area_id IN p.within THEN p.gaps ELSE 0 END)
         AS total
