// The area and date a page shows, kept in the URL (?area=&as_of=) so every view can be
// linked to, reloaded and opened from another page.
import { computed } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { useSession } from './useSession'

export function today(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/** The last day of each of the 12 months up to the last month-end on or before `day`. */
export function monthEnds(day: string, count = 12): string[] {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const lastOfMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
  let month = d === lastOfMonth ? m : m - 1 // months are 1-based; Date.UTC(y, month, 0) is its last day
  const out: string[] = []
  for (let i = 0; i < count; i++, month--) out.unshift(new Date(Date.UTC(y, month, 0)).toISOString().slice(0, 10))
  return out
}

export function useAreaDate() {
  const route = useRoute()
  const router = useRouter()
  const session = useSession()
  const area = computed<string>({
    get: () => (typeof route.query.area === 'string' && route.query.area) || session.state.account?.areas[0]?.id || '',
    set: (value) => void router.replace({ query: { ...route.query, area: value, page: undefined } }),
  })
  const asOf = computed<string>({
    get: () => (typeof route.query.as_of === 'string' && route.query.as_of) || today(),
    set: (value) => void router.replace({ query: { ...route.query, as_of: value || undefined, page: undefined } }),
  })
  return { area, asOf }
}
