// rule: TEAM_COMMUNITY_NO_POSTS
// params: area
// purpose: Community areas with no ServicePost LOCATED_IN them. Impact: units located in the community. Area filter: walks down from $area's subtree.
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
WITH n WHERE NOT EXISTS { (:ServicePost)-[:LOCATED_IN]->(n) }
