// name: vert_member_no_branch
// mode: read
// params: as_of, area, skip, limit
// purpose: VERT_MEMBER_NO_BRANCH: Persons with party_status formal or probationary and no current MEMBER_OF. Impact: 1 (the member). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it. One row per gap on the page [$skip, $skip + $limit), sorted by impact descending then id; every row carries the total.
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
  WITH n WHERE $area IS NOT NULL
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
WITH n, area
WHERE $area IS NULL OR EXISTS { (area)-[:PART_OF*0..8]->(:Area {id: $area}) }
WITH n, 1 AS impact
ORDER BY impact DESC, n.id
WITH collect({n: n, impact: impact}) AS gaps
WITH size(gaps) AS total, gaps[$skip..$skip + $limit] AS page
UNWIND page AS g
WITH total, g.n AS n, g.impact AS impact
CALL (n) {
  // a person's area: the current employer's, else the area they currently REPORTED_TO,
  // else the area of their latest party organization, else where they volunteer or hold
  // a service post
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
CALL (area) {
  WITH area AS a
  OPTIONAL MATCH up = (a)-[:PART_OF*0..8]->(top:Area)
  WHERE NOT EXISTS { (top)-[:PART_OF]->() }
  WITH up ORDER BY length(up) DESC LIMIT 1
  RETURN [x IN coalesce(reverse(nodes(up)), []) | {id: x.id, name: x.name, level: x.level}]
         AS area_path
}
RETURN n.id AS id, n.name AS name, 'Person' AS kind,
       n.party_status AS subkind, area_path,
       null AS related_id, null AS related_name, impact,
       {} AS detail,
       total
ORDER BY impact DESC, id
