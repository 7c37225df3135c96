// piece: subject_committee
// subjects: Committee
// place: located
// subkind: n.kind
// purpose: A committee. Impact: its current member units (MEMBER_UNIT_OF).
WITH n{{carry}}, COUNT {
       MATCH (:Unit)-[m:MEMBER_UNIT_OF]->(n)
       WHERE {{> current m}}
     } AS impact
