// rule: REACH_COMMUNITY_UNPAIRED
// params: as_of, area
// purpose: Community areas with no current PAIRED_WITH from a unit to the area. Impact: units located in the community. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level = 'community'
  RETURN n
  UNION ALL
  MATCH {{> areas_under n:Area}}
  WHERE n.level = 'community'
  RETURN DISTINCT n
}
WITH n WHERE NOT EXISTS {
  MATCH (:Unit)-[p:PAIRED_WITH]->(n)
  WHERE {{> current p}}
}
