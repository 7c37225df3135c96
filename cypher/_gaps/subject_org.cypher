// piece: subject_org
// subjects: PartyOrg
// place: single
// locate: org
// subkind: n.kind
// purpose: A party organization. Impact: its current members (MEMBER_OF).
WITH n{{carry}}, COUNT {
       MATCH (:Person)-[m:MEMBER_OF]->(n)
       WHERE {{> current m}}
     } AS impact
