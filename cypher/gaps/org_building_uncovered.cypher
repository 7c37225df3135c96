// rule: ORG_BUILDING_UNCOVERED
// params: as_of, area, kinds
// purpose: Commercial buildings (kind in $kinds) with no current COVERS from any party organization. Impact: units located in the building (directly or in a building inside it). Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Building)
    WHERE n.kind IN $kinds AND NOT (n)<-[:COVERS]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Building)<-[r:COVERS]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Building)<-[r:COVERS]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.kind IN $kinds AND NOT EXISTS {
      MATCH (:PartyOrg)-[c:COVERS]->(n)
      WHERE {{> current c}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Building}}
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:PartyOrg)-[c:COVERS]->(n)
    WHERE {{> current c}}
  }
  RETURN n
}
