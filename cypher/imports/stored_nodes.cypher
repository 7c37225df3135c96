// name: stored_nodes
// mode: read
// params: rows
// purpose: For the import rows ($rows: {props, location}) whose id exists in the database, by their index i in $rows (stored: [i, kind, unchanged]): the stored node's kind (label other than Entity; ids are unique across kinds) and whether it is already what the row would write (import_node_status 'unchanged': a row found unchanged is not sent to the write again).
UNWIND range(0, size($rows) - 1) AS i
WITH i, $rows[i] AS row
MATCH (old:Entity {id: row.props.id})
// one record of a list: the driver takes thousands of small records far more slowly
RETURN collect([i, [label IN labels(old) WHERE label <> 'Entity'][0],
                {{> import_node_status old}} = 'unchanged']) AS stored
