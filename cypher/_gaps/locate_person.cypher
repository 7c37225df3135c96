// piece: locate_person
// purpose: A person's area, as area: their current employer's, else the area they currently REPORTED_TO, else the area of their latest party organization, else where they volunteer or hold a service post.
CALL (n) {
  // a person's area: the current employer's, else the area they currently REPORTED_TO,
  // else the area of their latest party organization, else where they volunteer or hold
  // a service post
  {{guard}}
  CALL (n) {
    MATCH here = (n)-[e:EMPLOYED_BY]->(:Unit)-[:LOCATED_IN*1..3]->(a:Area)
    WHERE {{> current e}}
    RETURN a, 0 AS way, null AS recent, length(here) AS hops
    UNION
    MATCH (n)-[r:REPORTED_TO]->(a:Area)
    WHERE {{> current r}}
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
