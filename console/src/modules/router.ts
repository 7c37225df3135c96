// One route a page; every page but sign-in needs a session (the server enforces scope
// whatever the console shows: this only sends a signed-out visitor to sign in).
import { createRouter, createWebHistory } from 'vue-router'
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
  const account = await useSession().load()
  return account ? true : { name: 'login', query: { next: to.fullPath } }
})
