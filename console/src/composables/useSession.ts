// Who is signed in: the account's name, role and areas, from /session (a cookie session).
import { reactive, readonly } from 'vue'
import { api, csrfToken } from '../api/client'

export interface AreaBrief { id: string; name: string }
export interface SessionInfo { name: string; role: string; areas: AreaBrief[]; csrf_token: string }

const state = reactive<{ account: SessionInfo | null; checked: boolean }>({ account: null, checked: false })

export class SignInError extends Error {
  constructor(public status: number, message: string, public retryAfter?: number) {
    super(message)
  }
}

let asking: Promise<SessionInfo | null> | null = null

/** The signed-in account, asking the service once (null: nobody); callers meanwhile share
 * the one request. */
async function load(): Promise<SessionInfo | null> {
  if (state.checked) return state.account
  asking ??= api.GET('/session').then(({ data }) => {
    asking = null
    if (!state.checked) { // not signed in or out meanwhile
      state.account = (data as SessionInfo | undefined) ?? null
      state.checked = true
    }
    return state.account
  })
  return asking
}

async function signIn(name: string, password: string): Promise<SessionInfo> {
  const { data, error, response } = await api.POST('/session', { body: { name, password } })
  if (!data) {
    const after = Number(response.headers.get('Retry-After') ?? '') || undefined
    const detail = error && typeof error === 'object' && 'detail' in error ? String(error.detail) : ''
    throw new SignInError(response.status, detail, after)
  }
  state.account = data as SessionInfo
  state.checked = true
  return state.account
}

async function signOut(): Promise<void> {
  await api.DELETE('/session', { headers: { 'X-CSRF-Token': csrfToken() } })
  forget()
}

function forget(): void {
  state.account = null
  state.checked = true
}

export function useSession() {
  return { state: readonly(state), load, signIn, signOut, forget }
}
