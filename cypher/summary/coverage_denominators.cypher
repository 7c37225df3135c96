// name: coverage_denominators
// mode: read
// params: area, areas, as_of, building_kinds, unit_kinds, branch_kinds
// purpose: What should be covered in each area of $areas, each $area or an area under it (with $area null and $areas [null]: everywhere), with the same scopes as the gap queries: commercial buildings (kind in $building_kinds), parks, units of a kind in $unit_kinds, current (member unit, committee) memberships, and branches (kind in $branch_kinds, placed as TEAM_BRANCH_NO_OFFICER places them). One row per area of $areas.
CALL () {
  CALL () {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Building)
    WHERE n.kind IN $building_kinds
    RETURN n
    UNION ALL
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Building)
    WHERE n.kind IN $building_kinds
    WITH DISTINCT n
    RETURN n
  }
  CALL (n) {
    // the areas the subject lies in: where it is LOCATED_IN, and every area above
    WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
    MATCH (n)-[:LOCATED_IN*1..3]->(:Area)-[:PART_OF*0..8]->(x:Area)
    RETURN collect(DISTINCT x.id) AS within
  }
  RETURN collect(within) AS buildings
}
CALL () {
  CALL () {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Park)
    RETURN n
    UNION ALL
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Park)
    WITH DISTINCT n
    RETURN n
  }
  CALL (n) {
    // the areas the subject lies in: where it is LOCATED_IN, and every area above
    WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
    MATCH (n)-[:LOCATED_IN*1..3]->(:Area)-[:PART_OF*0..8]->(x:Area)
    RETURN collect(DISTINCT x.id) AS within
  }
  RETURN collect(within) AS parks
}
CALL () {
  CALL () {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Unit)
    WHERE n.kind IN $unit_kinds
    RETURN n
    UNION ALL
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Unit)
    WHERE n.kind IN $unit_kinds
    WITH DISTINCT n
    RETURN n
  }
  CALL (n) {
    // the areas the subject lies in: where it is LOCATED_IN, and every area above
    WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
    MATCH (n)-[:LOCATED_IN*1..3]->(:Area)-[:PART_OF*0..8]->(x:Area)
    RETURN collect(DISTINCT x.id) AS within
  }
  RETURN collect(within) AS units
}
CALL () {
  CALL () {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(c:Committee)
    WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    RETURN n, c
    UNION ALL
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(n:Unit)
          -[m:MEMBER_UNIT_OF]->(c:Committee)
    WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    RETURN DISTINCT n, c
  }
  CALL (n) {
    // the areas the subject lies in: where it is LOCATED_IN, and every area above
    WITH n WHERE any(a IN $areas WHERE a IS NOT NULL)
    MATCH (n)-[:LOCATED_IN*1..3]->(:Area)-[:PART_OF*0..8]->(x:Area)
    RETURN collect(DISTINCT x.id) AS within
  }
  RETURN collect(within) AS memberships
}
CALL () {
  CALL () {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:PartyOrg)
    WHERE n.kind IN $branch_kinds
    RETURN n
    UNION ALL
    // under an area: organizations placed there (LOCATED_IN, ESTABLISHED_IN, LEADS, COVERS
    // something there) and their descendants; each is then checked against its own area
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    {{> orgs_placed_in sub}}
    WITH DISTINCT o
    MATCH (o)<-[:UNDER*0..4]-(n:PartyOrg)
    WHERE n.kind IN $branch_kinds
    WITH DISTINCT n
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
  RETURN collect(within) AS branches
}
UNWIND $areas AS area_id
RETURN area_id AS area,
       size([w IN buildings WHERE area_id IS NULL OR area_id IN w]) AS buildings,
       size([w IN parks WHERE area_id IS NULL OR area_id IN w]) AS parks,
       size([w IN units WHERE area_id IS NULL OR area_id IN w]) AS units,
       size([w IN memberships WHERE area_id IS NULL OR area_id IN w]) AS memberships,
       size([w IN branches WHERE area_id IS NULL OR area_id IN w]) AS branches
