// fragment: org_area
// params:
// purpose: The area of the party organization {{node}}, computed from the graph, as resolved_area (null when it has none): its own place, else its nearest ancestor's (UNDER, up to 4 steps, any dates); a place is the area it is LOCATED_IN (through up to 3 steps), else the area of the unit it is ESTABLISHED_IN or the committee it LEADS, else the area of what it COVERS; ties go to the fewer steps, then the smaller area id. One walk: the organization itself is the chain of length 0, so it comes before any ancestor. Only the org_areas queries use it: they store the answer on the organization as resolved_area, which every other query reads. Its own variables are prefixed area_ so that none is named like the caller's node (with {{node}} = o, an ancestor also called o found no inherited area).
CALL ({{node}}) {
  MATCH area_chain = ({{node}})-[:UNDER*0..4]->(area_org:PartyOrg)
  CALL (area_org) {
    MATCH area_here = (area_org)-[:LOCATED_IN*1..3]->(area_found:Area)
    RETURN area_found, 0 AS area_way, length(area_here) AS area_hops
    UNION
    MATCH area_here = (area_org)-[:ESTABLISHED_IN|LEADS]->(:Unit|Committee)-[:LOCATED_IN*1..3]->(area_found:Area)
    RETURN area_found, 1 AS area_way, length(area_here) AS area_hops
    UNION
    MATCH area_here = (area_org)-[:COVERS]->(:Building|Park|Unit)-[:LOCATED_IN*1..3]->(area_found:Area)
    RETURN area_found, 2 AS area_way, length(area_here) AS area_hops
  }
  WITH area_chain, area_found
  ORDER BY length(area_chain), area_way, area_hops, area_found.id
  RETURN collect(area_found)[0] AS resolved_area
}
