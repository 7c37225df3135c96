// name: loss_tied_from
// mode: read
// params: ids
// placeholders: rel
// purpose: For each node of $ids (the persons and units weak points weigh): the subjects it has a {{rel}} to, whatever its dates (a Tie of a gap rule into the subject, domain/gaps.py), whose gaps its loss may change.
UNWIND $ids AS id
MATCH (c:Entity {id: id})-[:{{rel}}]->(s)
RETURN DISTINCT c.id AS id, s.id AS subject
