// piece: subject_person
// subjects: Person
// place: single
// locate: person
// subkind: n.party_status
// purpose: A person. Impact: 1 (the person).
WITH n{{carry}}, 1 AS impact
