// rule: ORG_PARK_UNCOVERED
// params: as_of, area
// purpose: Parks with no current COVERS from any party organization. Impact: units located in the park (directly or in a building inside it). Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Park)
    WHERE NOT (n)<-[:COVERS]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Park)<-[r:COVERS]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Park)<-[r:COVERS]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE NOT EXISTS {
      MATCH (:PartyOrg)-[c:COVERS]->(n)
      WHERE {{> current c}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Park}}
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[c:COVERS]->(n)
    WHERE {{> current c}}
  }
  RETURN n
}
