// rule: LEAD_UNIT_UNREPRESENTED
// params: as_of, area
// carries: c
// related: c
// detail: {committee_kind: c.kind}
// purpose: (member unit, committee) pairs with a current MEMBER_UNIT_OF and no person with a current SERVES_ON that committee for the unit (for_unit = the unit's id). Subject: the unit; related: the committee. Impact: the unit's formal party members. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // committee by committee: the units its current part-time members represent
  MATCH (c:Committee)
  CALL (c) {
    OPTIONAL MATCH (:Person)-[s:SERVES_ON]->(c)
    WHERE {{> current s}}
    RETURN collect(s.for_unit) AS represented
  }
  MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(c)
  WHERE {{> current m}}
    AND NOT n.id IN represented
  RETURN n, c
  UNION ALL
  MATCH {{> located_under n:Unit}}
        -[m:MEMBER_UNIT_OF]->(c:Committee)
  WHERE {{> current m}}
    AND NOT EXISTS {
      MATCH (:Person)-[s:SERVES_ON]->(c)
      WHERE s.for_unit = n.id
        AND {{> current s}}
    }
  RETURN DISTINCT n, c
}
