// name: vert_org_chain_broken_count
// mode: read
// params: area, areas, as_of
// purpose: How many VERT_ORG_CHAIN_BROKEN gaps lie in each area of $areas, each $area or an area under it; with $area null and $areas [null], how many there are everywhere. One row per area of $areas. Same scope and condition as vert_org_chain_broken.
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
  // under an area: organizations placed there (LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS
  // something there) and their descendants; each is then checked against its own area
  MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  {{> orgs_placed_in sub}}
  WITH DISTINCT o
  MATCH (o)<-[:UNDER*0..4]-(n:PartyOrg)
  WHERE n.kind <> 'working_committee'
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)
          (()-[u:UNDER]->() WHERE (u.since IS NULL OR u.since <= $as_of) AND (u.until IS NULL OR u.until >= $as_of)){1,}
          (:PartyOrg {kind: 'working_committee'})
  }
  RETURN n
}
CALL (n) {
  // a party organization's area: its own place, else its nearest ancestor's (UNDER, any
  // dates); a place is where it is LOCATED_IN, else the area of the unit it is
  // ESTABLISHED_IN or the committee it LEADS, else the area of what it COVERS
  WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
  CALL (n) {
    WITH n AS o
    CALL (o) {
      MATCH here = (o)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 0 AS way, length(here) AS hops
      UNION
      MATCH here = (o)-[:ESTABLISHED_IN|LEADS]->(:Unit|Committee)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 1 AS way, length(here) AS hops
      UNION
      MATCH here = (o)-[:COVERS]->(:Building|Park|Unit)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 2 AS way, length(here) AS hops
    }
    WITH a ORDER BY way, hops, a.id
    RETURN collect(a)[0] AS own
  }
  CALL (n, own) {
    WITH n WHERE own IS NULL
    MATCH chain = (n)-[:UNDER*1..4]->(o:PartyOrg)
    CALL (o) {
      MATCH here = (o)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 0 AS way, length(here) AS hops
      UNION
      MATCH here = (o)-[:ESTABLISHED_IN|LEADS]->(:Unit|Committee)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 1 AS way, length(here) AS hops
      UNION
      MATCH here = (o)-[:COVERS]->(:Building|Park|Unit)-[:LOCATED_IN*1..3]->(a:Area)
      RETURN a, 2 AS way, length(here) AS hops
    }
    WITH a ORDER BY length(chain), way, hops, a.id
    RETURN collect(a)[0] AS inherited
  }
  // one row even when the gate above held back the organization
  RETURN collect(coalesce(own, inherited))[0] AS area
}
CALL (area) {
  // the areas the subject lies in: its area and every area above
  MATCH (area)-[:PART_OF*0..8]->(x:Area)
  RETURN collect(DISTINCT x.id) AS within
}
WITH collect(within) AS gaps
UNWIND $areas AS area_id
RETURN area_id AS area,
       size([w IN gaps WHERE area_id IS NULL OR area_id IN w]) AS total
