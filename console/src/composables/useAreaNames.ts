// The names of the areas seen so far (the account's, those of summaries and gap paths),
// shared by the pages; an area known only by its id is asked for once (GET /entities/{id}),
// unless the page's own answer is about to name it.
import { reactive } from 'vue'
import { api } from '../api/client'

const names = reactive(new Map<string, string>())
const asked = new Set<string>()

export function rememberArea(id: string, name: string): void {
  if (names.get(id) !== name) names.set(id, name)
}

const coming = new Set<string>()

function ask(id: string): void {
  asked.add(id)
  void api.GET('/entities/{entity_id}', { params: { path: { entity_id: id } } }).then(({ data }) => {
    const name = data?.entity.name
    if (data?.kind === 'Area' && typeof name === 'string') rememberArea(id, name)
  })
}

/** A page's own answer on its way (a summary, a page of gaps with their paths) will name
 * area `id`: it is not asked for by itself meanwhile, only if that answer did not name it. */
export function nameComing(id: string, answer: Promise<unknown>): void {
  if (!id || names.has(id)) return
  coming.add(id)
  // a task later: the page reads the answer (and remembers its names) in the microtasks first
  void answer.finally(() => setTimeout(() => {
    coming.delete(id)
    if (!names.has(id) && !asked.has(id)) ask(id)
  }, 0))
}

export function areaName(id: string): string {
  if (id && !names.has(id) && !asked.has(id) && !coming.has(id)) ask(id)
  return names.get(id) ?? id
}

export function knownAreas(): { id: string; name: string }[] {
  return [...names].map(([id, name]) => ({ id, name }))
}
