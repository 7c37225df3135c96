// piece: subject_any
// subjects: *
// place: single
// locate: target
// kind: [l IN labels(n) WHERE l <> 'Entity'][0]
// subkind: coalesce(n.kind, n.level)
// purpose: Any node (the target of a relationship). Impact: its weight as the subject kind it is (unit: formal party members; party organization: current members; building or park: units located in it; area: units located in it or under it).
WITH n{{carry}}, coalesce(n.formal_party_members, 0) AS declared,
     COUNT {
       MATCH (n:Unit)<-[e:EMPLOYED_BY]-(:Person {party_status: 'formal'})
       WHERE {{> current e}}
     } AS employed,
     COUNT {
       MATCH (n:PartyOrg)<-[m:MEMBER_OF]-(:Person)
       WHERE {{> current m}}
     } AS members,
     COUNT { (n:Building|Park)<-[:LOCATED_IN]-(:Unit) }
       + COUNT { (n:Park)<-[:LOCATED_IN]-(:Building)<-[:LOCATED_IN]-(:Unit) } AS units,
     COUNT {
       MATCH (n:Area)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)
       RETURN DISTINCT u
     } AS area_units
WITH n{{carry}}, CASE
       WHEN n:Unit THEN CASE WHEN declared >= employed THEN declared ELSE employed END
       WHEN n:PartyOrg THEN members
       WHEN n:Area THEN area_units
       ELSE units
     END AS impact
