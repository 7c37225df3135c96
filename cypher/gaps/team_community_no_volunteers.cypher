// rule: TEAM_COMMUNITY_NO_VOLUNTEERS
// params: as_of, area
// purpose: Community areas with no current VOLUNTEERS_IN. Impact: units located in the community. Area filter: walks down from $area's subtree.
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
  MATCH (:Person)-[v:VOLUNTEERS_IN]->(n)
  WHERE {{> current v}}
}
