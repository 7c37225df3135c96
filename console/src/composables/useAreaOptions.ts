// The areas a page's area picker offers: the account's own, those seen so far (summaries,
// gap paths), and the one shown, named as soon as its name is known.
import { computed, type Ref } from 'vue'
import { areaName, knownAreas } from './useAreaNames'
import { useSession } from './useSession'

export function useAreaOptions(current: Ref<string>) {
  const session = useSession()
  return computed(() => {
    const options = new Map<string, string>()
    for (const a of session.state.account?.areas ?? []) options.set(a.id, a.name)
    for (const { id, name } of knownAreas()) options.set(id, name)
    if (current.value && !options.has(current.value)) options.set(current.value, areaName(current.value))
    return [...options].map(([id, name]) => ({ id, name }))
  })
}
