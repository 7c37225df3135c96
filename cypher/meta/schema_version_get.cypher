// name: schema_version_get
// mode: read
// params:
// purpose: The schema version recorded by the last successful schema application.
OPTIONAL MATCH (m:GraphServiceMeta {id: 'schema'})
RETURN m.version AS version
