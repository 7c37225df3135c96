// rule: TEAM_BRANCH_NO_OFFICER
// params: as_of, area, kinds
// purpose: Party organizations of a branch kind (in $kinds) with no current ASSIGNED_TO (instructor or liaison officer). Impact: the branch's current members (MEMBER_OF). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:PartyOrg)
    WHERE n.kind IN $kinds AND NOT (n)<-[:ASSIGNED_TO]-()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:PartyOrg)<-[r:ASSIGNED_TO]-()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:PartyOrg)<-[r:ASSIGNED_TO]-()
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
  // under an area: the organizations whose stored area (resolved_area) lies there
  MATCH {{> areas_under sub:Area}}
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind IN $kinds
  WITH DISTINCT n
  WITH n WHERE NOT EXISTS {
    MATCH (:Person)-[a:ASSIGNED_TO]->(n)
    WHERE {{> current a}}
  }
  RETURN n
}
