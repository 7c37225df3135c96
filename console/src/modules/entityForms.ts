// What the API's schema says about each node kind's fields and each relationship type
// (src/api/entity-forms.json, written from the OpenAPI by scripts/entity-forms.mjs at build):
// the entity page's edit form and history label and check values with it, nothing more.
import type { paths } from '../api/schema'
import forms from '../api/entity-forms.json'

export interface FieldSpec {
  name: string
  title: string
  description: string
  required: boolean
  nullable: boolean
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'enum'
  options?: { value: string; zh: string }[]
  maxLength?: number
  minLength?: number
  minimum?: number
  maximum?: number
  default?: unknown
}

/** The PATCH routes of the node kinds: /units/{node_id} … (each takes If-Match and a body of changes). */
export type NodePatchPath = Extract<keyof paths, `/${string}/{node_id}`>

export interface KindSpec { path: NodePatchPath; fields: FieldSpec[] }
export interface RelationSpec { zh: string; model: string; fields: FieldSpec[] }

const FORMS = forms as unknown as { kinds: Record<string, KindSpec>; relations: Record<string, RelationSpec> }

export function kindSpec(kind: string): KindSpec | undefined {
  return FORMS.kinds[kind]
}

export function relationSpec(type: string): RelationSpec | undefined {
  return FORMS.relations[type]
}

/** The spec of a field of a node kind or a relationship type (an audit event's kind). */
export function fieldSpec(kind: string, field: string): FieldSpec | undefined {
  return (FORMS.kinds[kind] ?? FORMS.relations[kind])?.fields.find((f) => f.name === field)
}

/** A value as a person reads it: an enum value by its Chinese name (in Chinese), ✓/✗, dates as they are. */
export function shownValue(spec: FieldSpec | undefined, value: unknown, zh: boolean): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? '✓' : '✗'
  if (spec?.options && zh) return spec.options.find((o) => o.value === value)?.zh ?? String(value)
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
