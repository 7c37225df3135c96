// name: wipe_data
// mode: write
// params: batch
// purpose: Delete up to $batch domain nodes with their relationships, keeping the schema meta node; run until it returns 0.
MATCH (n) WHERE NOT n:GraphServiceMeta
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
