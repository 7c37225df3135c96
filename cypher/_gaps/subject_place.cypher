// piece: subject_place
// subjects: Building, Park
// place: located
// subkind: n.kind
// purpose: A building or park. Impact: the units located in it (for a park, also those in its buildings).
WITH n{{carry}}, COUNT { (n)<-[:LOCATED_IN]-(:Unit) }
       + COUNT { (n:Park)<-[:LOCATED_IN]-(:Building)<-[:LOCATED_IN]-(:Unit) } AS impact
