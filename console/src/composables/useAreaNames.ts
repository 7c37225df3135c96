// The names of the areas seen so far (the account's, those of summaries and gap paths),
// shared by the pages; an area known only by its id is asked for once (GET /entities/{id}).
import { reactive } from 'vue'
import { api } from '../api/client'

const names = reactive(new Map<string, string>())
const asked = new Set<string>()

export function rememberArea(id: string, name: string): void {
  if (names.get(id) !== name) names.set(id, name)
}

export function areaName(id: string): string {
  if (!names.has(id) && id && !asked.has(id)) {
    asked.add(id)
    void api.GET('/entities/{entity_id}', { params: { path: { entity_id: id } } }).then(({ data }) => {
      const name = data?.entity.name
      if (data?.kind === 'Area' && typeof name === 'string') rememberArea(id, name)
    })
  }
  return names.get(id) ?? id
}

export function knownAreas(): { id: string; name: string }[] {
  return [...names].map(([id, name]) => ({ id, name }))
}
