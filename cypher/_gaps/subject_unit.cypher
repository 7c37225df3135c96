// piece: subject_unit
// subjects: Unit
// place: located
// subkind: n.kind
// purpose: A unit. Impact: its formal party members, the larger of formal_party_members and the formal members currently EMPLOYED_BY it.
WITH n{{carry}}, coalesce(n.formal_party_members, 0) AS declared,
     COUNT {
       MATCH (:Person {party_status: 'formal'})-[e:EMPLOYED_BY]->(n)
       WHERE {{> current e}}
     } AS employed
WITH n{{carry}}, declared, employed,
     CASE WHEN declared >= employed THEN declared ELSE employed END AS impact
