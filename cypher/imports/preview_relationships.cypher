// name: preview_relationships
// mode: read
// params: rows
// placeholders: rel, from_label, to_label
// purpose: The dry run of upsert_relationships: how many rows of a batch it would create, update or leave unchanged, by the same test (the term each row names, the import_rel_status fragment), writing nothing. An end the same import would create is not there yet: its relationships count as created.
UNWIND $rows AS row
OPTIONAL MATCH (a:{{from_label}} {id: row.from_id})
OPTIONAL MATCH (b:{{to_label}} {id: row.to_id})
OPTIONAL MATCH (a)-[old:{{rel}}]->(b) WHERE {{> term_named old since=row.term}}
WITH row, old, {{> import_rel_status old}} AS status
RETURN status, count(*) AS rows
