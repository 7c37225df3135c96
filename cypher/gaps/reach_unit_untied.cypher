// rule: REACH_UNIT_UNTIED
// params: as_of, area, kinds
// purpose: Units of a counted kind (in $kinds) with no current MEMBER_UNIT_OF to any committee. Impact: the unit's formal party members. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Unit)
    WHERE n.kind IN $kinds AND NOT (n)-[:MEMBER_UNIT_OF]->()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Unit)-[r:MEMBER_UNIT_OF]->()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Unit)-[r:MEMBER_UNIT_OF]->()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.kind IN $kinds AND NOT EXISTS {
      MATCH (n)-[m:MEMBER_UNIT_OF]->(:Committee)
      WHERE {{> current m}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Unit}}
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (n)-[m:MEMBER_UNIT_OF]->(:Committee)
    WHERE {{> current m}}
  }
  RETURN n
}
