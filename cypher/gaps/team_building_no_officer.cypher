// rule: TEAM_BUILDING_NO_OFFICER
// params: as_of, area, kinds
// purpose: Commercial buildings (kind in $kinds) with no current ASSIGNED_TO. Impact: units located in the building. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Building)
    WHERE n.kind IN $kinds AND NOT (n)<-[:ASSIGNED_TO]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Building)<-[r:ASSIGNED_TO]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Building)<-[r:ASSIGNED_TO]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.kind IN $kinds AND NOT EXISTS {
      MATCH (:Person)-[a:ASSIGNED_TO]->(n)
      WHERE {{> current a}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Building}}
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:Person)-[a:ASSIGNED_TO]->(n)
    WHERE {{> current a}}
  }
  RETURN n
}
