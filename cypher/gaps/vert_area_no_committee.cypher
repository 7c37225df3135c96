// rule: VERT_AREA_NO_COMMITTEE
// params: area
// carries: expected
// detail: {expected_committee_kind: expected}
// purpose: Subdistricts with no big_working_committee Committee LOCATED_IN them, and communities with no community Committee LOCATED_IN them. Impact: units located in the area. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Area)
  WHERE n.level IN ['subdistrict', 'community']
  RETURN n
  UNION ALL
  MATCH {{> areas_under n:Area}}
  WHERE n.level IN ['subdistrict', 'community']
  RETURN DISTINCT n
}
WITH n, CASE n.level WHEN 'subdistrict' THEN 'big_working_committee' ELSE 'community' END
          AS expected
WHERE NOT EXISTS { MATCH (c:Committee)-[:LOCATED_IN]->(n) WHERE c.kind = expected }
