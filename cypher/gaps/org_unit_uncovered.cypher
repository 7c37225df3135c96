// rule: ORG_UNIT_UNCOVERED
// params: as_of, area, kinds
// purpose: Units of a kind in $kinds (non-public enterprises, social organizations) with no current own organization (ESTABLISHED_IN), no current COVERS on the unit, and not LOCATED_IN a building or park with a current COVERS. Impact: the unit's formal party members. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Unit)
  WHERE n.kind IN $kinds
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Unit}}
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  RETURN n
}
WITH n WHERE NOT EXISTS {
  MATCH (:PartyOrg)-[o:ESTABLISHED_IN|COVERS]->(n)
  WHERE {{> current o}}
} AND NOT EXISTS {
  MATCH (n)-[:LOCATED_IN]->(:Building|Park)<-[c:COVERS]-(:PartyOrg)
  WHERE {{> current c}}
}
