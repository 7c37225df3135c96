// name: schema_version_set
// mode: write
// params: version
// purpose: Record the schema version once every schema statement has been applied.
MERGE (m:GraphServiceMeta {id: 'schema'})
SET m.version = $version, m.applied_at = datetime()
