// name: stored_terms
// mode: read
// params: pairs
// placeholders: rel
// purpose: The stored terms (since, until) of the relationships of one type between the pairs of ids $pairs (each [from id, to id]) that have any: what an import matches its rows against before it writes (domain/terms.py match_rows), so that a row repeating a term leaves it unchanged, a row extending or ending one updates it, and overlapping terms are refused before anything is written.
UNWIND $pairs AS pair
MATCH (a:Entity {id: pair[0]})
MATCH (b:Entity {id: pair[1]})
// both ends found first, the relationship between them then (Expand(Into), from the end
// with fewer relationships): as one pattern, the planner walked every relationship of
// the far end (a party organization's hundreds of members) for each pair
CALL (a, b) {
  MATCH (a)-[r:{{rel}}]->(b)
  RETURN r
}
RETURN pair[0] AS from_id, pair[1] AS to_id, collect([r.since, r.until]) AS terms
