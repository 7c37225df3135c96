// name: loss_tied_to
// mode: read
// params: ids
// placeholders: rel
// purpose: For each node of $ids (the persons and units weak points weigh): the subjects with a {{rel}} to it, whatever its dates (a Tie of a gap rule out of the subject, domain/gaps.py: a person's employer), whose gaps its loss may change.
UNWIND $ids AS id
MATCH (c:Entity {id: id})<-[:{{rel}}]-(s)
RETURN DISTINCT c.id AS id, s.id AS subject
