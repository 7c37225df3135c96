// fragment: import_node_status
// params:
// purpose: What the import row `row` ({props, location}) does to {{node}}, the node of its id (null when there is none): 'created'; 'unchanged' when every property and the location are equal and the node has no other property but the import's stamps and its stored area; else 'updated'. Shared by the import (upsert_nodes) and its dry run (preview_nodes): a dry run predicts what the import will do.
CASE
  WHEN {{node}} IS NULL THEN 'created'
  WHEN all(k IN keys(row.props) WHERE {{node}}[k] = row.props[k])
       AND size([k IN keys({{node}}) WHERE NOT k IN ['src_file', 'src_row', 'src_at', 'location', 'resolved_area']]) = size(keys(row.props))
       AND (({{node}}.location IS NULL AND row.location IS NULL) OR {{node}}.location = point(row.location))
    THEN 'unchanged'
  ELSE 'updated'
END
