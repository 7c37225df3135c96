// piece: subject_area
// subjects: Area
// place: area
// subkind: n.level
// purpose: An area. Impact: the units located in it or in any area under it.
WITH n{{carry}}, COUNT {
       MATCH (n)<-[:PART_OF*0..8]-(:Area)<-[:LOCATED_IN*1..3]-(u:Unit)
       RETURN DISTINCT u
     } AS impact
