// name: data_version_bump
// mode: write
// params:
// purpose: Give the graph a new data version. Every write transaction of the service ends with this, so an answer the result cache keeps under the old version is not served again. A random token, not a counter: a wiped and refilled graph never repeats an old version.
MATCH (m:GraphServiceMeta {id: 'schema'})
SET m.data_version = randomUUID()
