// rule: SCHED_NO_CLAIMED_PROJECT
// params: as_of, area
// purpose: Units with a current MEMBER_UNIT_OF and no current CLAIMED project. Impact: the unit's formal party members. Area filter: walks down from $area's subtree.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // everywhere: the units with a current claim, as a set
  CALL () {
    MATCH (u:Unit)-[c:CLAIMED]->(:Project)
    WHERE {{> current c}}
    RETURN collect(DISTINCT u.id) AS claimants
  }
  MATCH (n:Unit)-[m:MEMBER_UNIT_OF]->(:Committee)
  WHERE {{> current m}}
    AND NOT n.id IN claimants
  RETURN DISTINCT n
  UNION ALL
  MATCH {{> located_under n:Unit}}
        -[m:MEMBER_UNIT_OF]->(:Committee)
  WHERE {{> current m}}
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)-[c:CLAIMED]->(:Project)
    WHERE {{> current c}}
  }
  RETURN n
}
