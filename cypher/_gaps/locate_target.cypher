// piece: locate_target
// purpose: The area of a relationship's target, as area: an area is its own area; a party organization's is stored on it; anything else is in the nearest area it is LOCATED_IN.
CALL (n) {
  // an area is its own area; a party organization's is found as for TEAM_BRANCH_NO_OFFICER;
  // anything else is in the nearest area it is LOCATED_IN
  {{guard}}
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
