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
    // under an area: the organizations whose stored area (resolved_area) lies there
    MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
    WITH DISTINCT sub
    MATCH (n:PartyOrg {resolved_area: sub.id})
    WHERE n.kind IN $branch_kinds
    WITH DISTINCT n
    RETURN n
  }
  CALL (n) {
    // a party organization's area is stored on it (see org_areas_refresh)
    OPTIONAL MATCH (stored:Area {id: n.resolved_area})
    RETURN stored AS area
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
