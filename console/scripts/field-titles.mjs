// Writes src/api/field-titles.json: for each kind of node, the Chinese title of each of its
// fields, read from the service's OpenAPI (the XIn models' field titles), so the entity page
// labels its fields as the API documents them, without shipping the whole document.
import { readFileSync, writeFileSync } from 'node:fs'

const schemas = JSON.parse(readFileSync('src/api/openapi.json', 'utf8')).components.schemas
const titles = {}
for (const [name, schema] of Object.entries(schemas)) {
  const kind = /^([A-Z][A-Za-z]*)In$/.exec(name)?.[1]
  if (!kind || !schema.properties) continue
  titles[kind] = Object.fromEntries(
    Object.entries(schema.properties).filter(([, p]) => typeof p.title === 'string').map(([field, p]) => [field, p.title]),
  )
}
writeFileSync('src/api/field-titles.json', JSON.stringify(titles, null, 1) + '\n')
