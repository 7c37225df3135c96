// name: relationships_exist
// mode: read
// params:
// placeholders: rel
// purpose: Whether any relationship of the type is stored (from the count store, without a scan): an import into a graph that has none skips matching its rows against stored terms (stored_terms), so a first load pays nothing for it.
MATCH ()-[r:{{rel}}]->()
RETURN count(r) > 0 AS found
