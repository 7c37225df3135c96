// rule: VERT_MEMBER_NO_BRANCH
// params: as_of, area
// purpose: Persons with party_status formal or probationary and no current MEMBER_OF. Impact: 1 (the member). Area filter: the subject's area (see the CALL that finds it) is $area or lies under it.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  CALL () {
    // none at all: a degree check, which reads no relationship
    MATCH (n:Person)
    WHERE n.party_status IN ['formal', 'probationary'] AND NOT (n)-[:MEMBER_OF]->()
    RETURN n
    UNION ALL
    // only past or future ones: found through the since/until indexes
    CALL () {
      MATCH (n:Person)-[r:MEMBER_OF]->()
      WHERE r.until < $as_of
      RETURN n
      UNION
      MATCH (n:Person)-[r:MEMBER_OF]->()
      WHERE r.since > $as_of
      RETURN n
    }
    WITH n WHERE n.party_status IN ['formal', 'probationary'] AND NOT EXISTS {
      MATCH (n)-[m:MEMBER_OF]->(:PartyOrg)
      WHERE {{> current m}}
    }
    RETURN n
  }
  RETURN n
  UNION ALL
  // under an area: persons employed, holding a post, registered or volunteering there, and
  // the members, past or present, of the organizations whose stored area lies there; one
  // walk down from each area (a walk per kind, and the areas repeated, doubled the time)
  // (no :Person on n: these relationships start only at persons, as the import and the API
  // check, and testing the label on each of the ~19k rows of a city subdistrict cost 10%)
  MATCH {{> areas_under sub:Area}}
  WITH DISTINCT sub
  CALL (sub) {
    MATCH (sub)<-[:LOCATED_IN*1..3]-(x:Unit|ServicePost)
    MATCH (x)<-[:EMPLOYED_BY|HOLDS]-(n)
    RETURN n, false AS current
    UNION ALL
    MATCH (sub)<-[:REPORTED_TO|VOLUNTEERS_IN]-(n)
    RETURN n, false AS current
    UNION ALL
    MATCH (:PartyOrg {resolved_area: sub.id})<-[m:MEMBER_OF]-(n)
    RETURN n, {{> current m}}
              AS current
  }
  // most are members, now, of an organization of the area: known without another look
  WITH n, collect(current) AS currents
  WITH n WHERE NOT true IN currents AND n.party_status IN ['formal', 'probationary']
  // MEMBER_OF ends only at party organizations (the import and the API check it)
  WITH n WHERE NOT EXISTS {
    MATCH (n)-[m:MEMBER_OF]->()
    WHERE {{> current m}}
  }
  RETURN n
}
