// name: loss_kept
// mode: read
// params: ids, as_of
// placeholders: rel, by
// purpose: For each node of $ids that is a {{by}}: the nodes it keeps by a current {{rel}} from it (a keeper of a gap rule, KeptAt.SUBJECT in domain/gaps.py), and how many {{by}} have a current {{rel}} there (1: its loss alone would take the last one away).
UNWIND $ids AS id
MATCH (c:Entity {id: id})-[r:{{rel}}]->(s)
WHERE c:{{by}} AND {{> current r}}
WITH s, collect(DISTINCT c.id) AS mine
CALL (s) {
  MATCH (k:{{by}})-[r:{{rel}}]->(s)
  WHERE {{> current r}}
  RETURN count(DISTINCT k) AS keepers
}
UNWIND mine AS c
RETURN c AS id, s.id AS kept, keepers
