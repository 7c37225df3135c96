// rule: TEAM_MEMBER_UNREPORTED
// params: as_of, area, kinds
// purpose: Party members (party_status formal or probationary) currently EMPLOYED_BY a unit of a kind in $kinds (default: government organs and public institutions) with no current REPORTED_TO a community area. Impact: 1 (the member). Area filter: the member's area (their current employer's; see the CALL that finds it) is $area or lies under it.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  MATCH (n:Person)-[e:EMPLOYED_BY]->(u:Unit)
  WHERE u.kind IN $kinds AND {{> current e}}
  RETURN DISTINCT n
  UNION ALL
  // under an area: the persons any unit located there currently employs (a person's area is
  // a current employer's), then those employed by a unit of the kinds
  MATCH {{> located_under u:Unit}}<-[e:EMPLOYED_BY]-(n:Person)
  WHERE {{> current e}}
  WITH DISTINCT n
  WHERE EXISTS {
    MATCH (n)-[k:EMPLOYED_BY]->(counted:Unit)
    WHERE counted.kind IN $kinds AND {{> current k}}
  }
  RETURN n
}
WITH n WHERE n.party_status IN ['formal', 'probationary'] AND NOT EXISTS {
  MATCH (n)-[r:REPORTED_TO]->(:Area {level: 'community'})
  WHERE {{> current r}}
}
