// Plain links into the console, for tables of many: an <a data-app-link> each, its href
// written by appHref, and one click handler (follow) on the table that opens it in the app
// as a router-link would (a modified click opens a tab, as any link). A router-link per
// cell is a component resolving its route: on the dashboard's tables and a page of gaps
// they took most of the time the table did to draw.
import { useRouter } from 'vue-router'

const BASE = import.meta.env.BASE_URL // '/console/'

/** The console's address of `path` (a page's path, as router.ts names it) with `query`. */
export function appHref(path: string, query: Record<string, string | undefined> = {}): string {
  const given = Object.entries(query).filter((entry): entry is [string, string] => !!entry[1])
  return given.length ? `${BASE}${path}?${new URLSearchParams(given)}` : `${BASE}${path}`
}

export function useAppLinks() {
  const router = useRouter()
  function follow(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    const href = (event.target as Element).closest('a[data-app-link]')?.getAttribute('href')
    if (!href?.startsWith(BASE)) return
    event.preventDefault()
    void router.push(href.slice(BASE.length - 1))
  }
  return { follow }
}
