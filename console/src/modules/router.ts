// One route a page; every page but sign-in needs a session (the server enforces scope
// whatever the console shows: this only sends a signed-out visitor to sign in).
import { createRouter, createWebHistory } from 'vue-router'
import { csrfToken } from '../api/client'
import { useSession } from '../composables/useSession'

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/', redirect: { name: 'dashboard' } },
    { path: '/login', name: 'login', component: () => import('../pages/SignIn.vue'), meta: { public: true } },
    { path: '/dashboard', name: 'dashboard', component: () => import('../pages/Dashboard.vue') },
    { path: '/gaps/:code?', name: 'gaps', component: () => import('../pages/GapList.vue') },
    { path: '/follow-ups', name: 'follow-ups', component: () => import('../pages/FollowUps.vue') },
    { path: '/map', name: 'map', component: () => import('../pages/Map.vue') },
    { path: '/network', name: 'network', component: () => import('../pages/Network.vue') },
    { path: '/admin', name: 'admin', component: () => import('../pages/Admin.vue') },
    { path: '/import', name: 'import', component: () => import('../pages/Import.vue') },
    { path: '/entities/:id', name: 'entity', component: () => import('../pages/Entity.vue') },
    { path: '/:rest(.*)*', redirect: { name: 'dashboard' } },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const session = useSession()
  // A page whose URL names its area needs nothing of the account to ask for its data, so
  // someone signed in before (the readable gs_csrf cookie comes with the session) sees it
  // drawn while /session answers, not after: one round trip less before the numbers. A
  // session found ended sends them to sign in, as a 401 from the page's own requests does.
  if (!session.state.checked && csrfToken() && typeof to.query.area === 'string' && to.query.area) {
    void session.load().then((account) => {
      if (!account) void router.push({ name: 'login', query: { next: to.fullPath } })
    })
    return true
  }
  const account = await session.load()
  return account ? true : { name: 'login', query: { next: to.fullPath } }
})
