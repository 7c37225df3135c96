// rule: VERT_ORG_CHAIN_BROKEN
// params: as_of, area
// detail: {break_at_id: top.id, break_at_name: top.name}
// purpose: Party organizations other than a working_committee whose chain of current UNDER edges reaches no working_committee. Impact: the organization's current members. Detail: break_at, the last organization its current chain reaches. Area filter: the subject's area (see the CALL that finds it) is $area or lies under it.
CALL () {
  WITH 1 AS everything WHERE $area IS NULL
  // everywhere: the organizations the working committees reach down current UNDER edges
  // (one breadth-first walk), and every other one
  CALL () {
    MATCH (w:PartyOrg {kind: 'working_committee'})
    MATCH chain = (w)<-[:UNDER*0..16]-(x:PartyOrg)
    WHERE all(u IN relationships(chain) WHERE {{> current u}})
    WITH DISTINCT x
    RETURN collect(x.id) AS reached
  }
  MATCH (n:PartyOrg)
  WHERE n.kind <> 'working_committee' AND NOT n.id IN reached
  RETURN n
  UNION ALL
  // under an area: the organizations whose stored area (resolved_area) lies there
  MATCH {{> areas_under sub:Area}}
  WITH DISTINCT sub
  MATCH (n:PartyOrg {resolved_area: sub.id})
  WHERE n.kind <> 'working_committee'
  WITH DISTINCT n WHERE NOT EXISTS {
    MATCH (n)
          (()-[u:UNDER]->() WHERE {{> current u}}){1,}
          (:PartyOrg {kind: 'working_committee'})
  }
  RETURN n
}
// ---- rows
CALL (n) {
  // where the current chain stops: an organization with no current parent
  OPTIONAL MATCH (n) (()-[u:UNDER]->() WHERE {{> current u}}){0,} (top:PartyOrg)
  WHERE NOT EXISTS {
    MATCH (top)-[u2:UNDER]->()
    WHERE {{> current u2}}
  }
  RETURN top ORDER BY top.id LIMIT 1
}
