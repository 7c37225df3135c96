// name: coverage_denominators
// mode: read
// params: area, areas, as_of, building_kinds, unit_kinds, branch_kinds
// purpose: What should be covered in each area of $areas, each $area or an area under it (with $area null and $areas [null]: everywhere), with the same scopes as the gap queries: commercial buildings (kind in $building_kinds), parks, units of a kind in $unit_kinds, current (member unit, committee) memberships, branches (kind in $branch_kinds, placed as TEAM_BRANCH_NO_OFFICER places them), and buildings and parks with coordinates (REACH_PLACE_OUTSIDE_CIRCLE's subjects: the share inside a service circle). One row per area of $areas.
// Under an area, the areas are walked down once and each area found knows which areas of
// $areas it lies in (walking up from the few hundred areas, not from each of the thousands
// of subjects, took the query from 78 to 28 ms on a city subdistrict); each subject found
// under an area counts for those. Everywhere, each subject counts once, under '' (collect
// drops nulls).
CALL () {
  OPTIONAL MATCH (:Area {id: $area})<-[:PART_OF*0..8]-(sub:Area)
  WITH DISTINCT sub WHERE sub IS NOT NULL
  CALL (sub) {
    MATCH (sub)-[:PART_OF*0..8]->(x:Area)
    WHERE x.id IN $areas
    RETURN collect(DISTINCT x.id) AS tops
  }
  WITH sub, tops WHERE size(tops) > 0
  RETURN collect({sub: sub, tops: tops}) AS placed
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Building)
    WHERE n.kind IN $building_kinds
    RETURN '' AS t, n
    UNION ALL
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (sub)<-[:LOCATED_IN*1..3]-(n:Building)
    WHERE n.kind IN $building_kinds
    UNWIND tops AS t
    RETURN t, n
  }
  WITH DISTINCT t, n
  RETURN collect(t) AS buildings
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Park)
    RETURN '' AS t, n
    UNION ALL
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (sub)<-[:LOCATED_IN*1..3]-(n:Park)
    UNWIND tops AS t
    RETURN t, n
  }
  WITH DISTINCT t, n
  RETURN collect(t) AS parks
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Unit)
    WHERE n.kind IN $unit_kinds
    RETURN '' AS t, n
    UNION ALL
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (sub)<-[:LOCATED_IN*1..3]-(n:Unit)
    WHERE n.kind IN $unit_kinds
    UNWIND tops AS t
    RETURN t, n
  }
  WITH DISTINCT t, n
  RETURN collect(t) AS units
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(c:Committee)
    WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    RETURN '' AS t, n, c
    UNION ALL
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (sub)<-[:LOCATED_IN*1..3]-(n:Unit)-[m:MEMBER_UNIT_OF]->(c:Committee)
    WHERE (m.since IS NULL OR m.since <= $as_of) AND (m.until IS NULL OR m.until >= $as_of)
    UNWIND tops AS t
    RETURN t, n, c
  }
  WITH DISTINCT t, n, c
  RETURN collect(t) AS memberships
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n:PartyOrg)
    WHERE n.kind IN $branch_kinds
    RETURN '' AS t, n
    UNION ALL
    // under an area: the organizations whose stored area (resolved_area) lies there
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (n:PartyOrg {resolved_area: sub.id})
    WHERE n.kind IN $branch_kinds
    UNWIND tops AS t
    RETURN t, n
  }
  WITH DISTINCT t, n
  RETURN collect(t) AS branches
}
CALL (placed) {
  CALL (placed) {
    WITH 1 AS everything WHERE $area IS NULL
    MATCH (n)
    WHERE (n:Building OR n:Park) AND n.location IS NOT NULL
    RETURN '' AS t, n
    UNION ALL
    UNWIND placed AS p
    WITH p.sub AS sub, p.tops AS tops
    MATCH (sub)<-[:LOCATED_IN*1..3]-(n)
    WHERE (n:Building OR n:Park) AND n.location IS NOT NULL
    UNWIND tops AS t
    RETURN t, n
  }
  WITH DISTINCT t, n
  RETURN collect(t) AS located_places
}
UNWIND $areas AS area_id
RETURN area_id AS area,
       size([t IN buildings WHERE area_id IS NULL OR t = area_id]) AS buildings,
       size([t IN parks WHERE area_id IS NULL OR t = area_id]) AS parks,
       size([t IN units WHERE area_id IS NULL OR t = area_id]) AS units,
       size([t IN memberships WHERE area_id IS NULL OR t = area_id]) AS memberships,
       size([t IN branches WHERE area_id IS NULL OR t = area_id]) AS branches,
       size([t IN located_places WHERE area_id IS NULL OR t = area_id]) AS located_places
