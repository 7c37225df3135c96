// name: stored_terms
// mode: read
// params: rows
// placeholders: rel
// purpose: For the import rows of one type ($rows: {from_id, to_id, props}), by their index i in $rows: the rows whose stored term starting on their since is already what the row would write (unchanged: import_rel_status), and the other rows whose two ends have stored relationships of that type, each with those terms (stored: [i, [[since, until], …]]). An import matches its rows against the terms before it writes (domain/terms.py match_rows), so that a row repeating a term leaves it unchanged, a row extending or ending one updates it, and overlapping terms are refused before anything is written; a row found unchanged is not sent to the write again.
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row
MATCH (a:Entity {id: row.from_id})
MATCH (b:Entity {id: row.to_id})
// both ends found first, the relationship between them then (Expand(Into), from the end
// with fewer relationships): as one pattern, the planner walked every relationship of
// the far end (a party organization's hundreds of members) for each pair
CALL (a, b) {
  MATCH (a)-[r:{{rel}}]->(b)
  RETURN r
}
WITH i, row, r, row.props.since AS since
WITH i, r, {{> term_named r since=since}} AND {{> import_rel_status r}} = 'unchanged' AS same
WITH i, collect([r.since, r.until]) AS terms, any(x IN collect(same) WHERE x) AS unchanged
// one record of two lists: the driver takes thousands of small records far more slowly
RETURN collect(CASE WHEN unchanged THEN i END) AS unchanged,
       collect(CASE WHEN NOT unchanged THEN [i, terms] END) AS stored
