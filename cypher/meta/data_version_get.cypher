// name: data_version_get
// mode: read
// params:
// purpose: The graph's data version (null before the first write since the schema was applied): the result cache serves a kept answer only while this is unchanged.
OPTIONAL MATCH (m:GraphServiceMeta {id: 'schema'})
RETURN m.data_version AS version
