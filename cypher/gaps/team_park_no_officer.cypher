// rule: TEAM_PARK_NO_OFFICER
// params: as_of, area
// purpose: Parks with no current ASSIGNED_TO. Impact: units located in the park. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Park)
    WHERE NOT (n)<-[:ASSIGNED_TO]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Park)<-[r:ASSIGNED_TO]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Park)<-[r:ASSIGNED_TO]-()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE NOT EXISTS {
      MATCH (:Person)-[a:ASSIGNED_TO]->(n)
      WHERE {{> current a}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  MATCH {{> located_under n:Park}}
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:Person)-[a:ASSIGNED_TO]->(n)
    WHERE {{> current a}}
  }
  RETURN n
}
