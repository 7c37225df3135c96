// fragment: import_rel_status
// params:
// purpose: What the import row `row` ({props}) does to {{node}}, the relationship of its type between its two ends (null when there is none): 'created'; 'unchanged' when every property is equal and it has no other property but the import's stamps; else 'updated'. Shared by the import (upsert_relationships) and its dry run (preview_relationships).
CASE
  WHEN {{node}} IS NULL THEN 'created'
  WHEN all(k IN keys(row.props) WHERE {{node}}[k] = row.props[k])
       AND size([k IN keys({{node}}) WHERE NOT k IN ['src_file', 'src_row', 'src_at']]) = size(keys(row.props))
    THEN 'unchanged'
  ELSE 'updated'
END
