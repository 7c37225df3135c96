// name: rel_terms
// mode: read
// params: from_id, to_id
// placeholders: rel
// purpose: Every term of the relationship of a type between two nodes given by id (several relationships of the type, none overlapping; see domain/terms.py), each as its properties; the caller orders them by start date. The caller's area scope is checked apart, with visible_ids (planned once, not once per type: inline, the check made each of the 19 types' plans cost about 400 ms more to make).
MATCH (a:Entity {id: $from_id})-[r:{{rel}}]->(b:Entity {id: $to_id})
RETURN properties(r) AS props
