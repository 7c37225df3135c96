// name: loss_kept_for_unit
// mode: read
// params: ids, as_of
// placeholders: rel, by
// purpose: For each node of $ids that is a {{by}}: the units it keeps by a current {{rel}} from it whose for_unit names them (a keeper of a gap rule, KeptAt.RELATED_FOR_UNIT in domain/gaps.py: SERVES_ON a committee for a member unit), the node the relationship ends at, and how many {{by}} have a current {{rel}} there for that unit.
UNWIND $ids AS id
MATCH (c:Entity {id: id})-[r:{{rel}}]->(x)
WHERE c:{{by}} AND r.for_unit IS NOT NULL AND {{> current r}}
WITH x, r.for_unit AS s, collect(DISTINCT c.id) AS mine
CALL (x, s) {
  MATCH (k:{{by}})-[r:{{rel}}]->(x)
  WHERE r.for_unit = s AND {{> current r}}
  RETURN count(DISTINCT k) AS keepers
}
UNWIND mine AS c
RETURN c AS id, s AS kept, x.id AS related, keepers
