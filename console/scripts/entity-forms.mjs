// Writes src/api/entity-forms.json from the service's OpenAPI: for each node kind that has
// a PATCH route, its route and its fields as the XIn model declares them (type, required,
// enum values with their Chinese names, limits); for each relationship type, its Chinese
// meaning and model. The entity page's edit form and history are drawn from it, so they
// check only what the API's schema says, and the page does not ship the whole document.
import { readFileSync, writeFileSync } from 'node:fs'

const doc = JSON.parse(readFileSync('src/api/openapi.json', 'utf8'))
const schemas = doc.components.schemas
const refName = (ref) => ref.split('/').pop()

/** One field of a model: its kind of input and what the schema allows. */
function field(name, prop, required) {
  const alts = prop.anyOf ?? [prop]
  const nullable = alts.some((a) => a.type === 'null')
  const main = alts.find((a) => a.type !== 'null') ?? {}
  const target = main.$ref ? schemas[refName(main.$ref)] : main
  const out = { name, title: prop.title ?? name, description: prop.description ?? '', required, nullable }
  if (target.enum) {
    const zh = target['x-enum-descriptions'] ?? []
    Object.assign(out, { type: 'enum', options: target.enum.map((value, i) => ({ value, zh: zh[i] ?? value })) })
  } else if (target.type === 'string' && target.format === 'date') {
    out.type = 'date'
  } else {
    out.type = ['integer', 'number', 'boolean'].includes(target.type) ? target.type : 'string'
  }
  for (const limit of ['maxLength', 'minLength', 'minimum', 'maximum']) {
    if (target[limit] !== undefined) out[limit] = target[limit]
  }
  if (prop.default !== undefined) out.default = prop.default
  return out
}

const LAST = ['note', 'illustrative']
function fields(schema) {
  const required = schema.required ?? []
  const names = Object.keys(schema.properties)
  const order = (n) => (required.includes(n) ? required.indexOf(n) : n === 'name_en' ? 50 : LAST.includes(n) ? 200 + LAST.indexOf(n) : 100)
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b))
  return names.map((n) => field(n, schema.properties[n], required.includes(n)))
}

const kinds = {}
const relations = {}
for (const [path, ops] of Object.entries(doc.paths)) {
  const patch = ops.patch
  const kind = /^\/[a-z_]+\/\{node_id\}$/.test(path) && patch?.operationId?.startsWith('update_')
    ? refName(ops.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref ?? '').replace(/In$/, '')
    : ''
  if (kind && schemas[`${kind}In`]) kinds[kind] = { path, fields: fields(schemas[`${kind}In`]) }
  const rel = /^\/relationships\/([a-z_]+)$/.exec(path)?.[1]
  if (rel && ops.post) {
    const model = refName(ops.post.requestBody?.content?.['application/json']?.schema?.$ref ?? '').replace(/In$/, '')
    const zh = (ops.post.tags?.[0] ?? '').split(' · ').pop()
    relations[rel.toUpperCase()] = { zh, model, fields: schemas[`${model}In`] ? fields(schemas[`${model}In`]) : [] }
  }
}
if (!Object.keys(kinds).length) throw new Error('entity-forms: no node kind with a PATCH route in openapi.json')
writeFileSync('src/api/entity-forms.json', JSON.stringify({ kinds, relations }, null, 1) + '\n')
