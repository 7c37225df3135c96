import 'element-plus/theme-chalk/base.css'
import './style.css'
import { createApp } from 'vue'
import App from './App.vue'
import { onSessionExpired } from './api/client'
import { useSession } from './composables/useSession'
import { i18n } from './modules/i18n'
import { router } from './modules/router'

onSessionExpired(() => {
  useSession().forget()
  const here = router.currentRoute.value
  if (here.name !== 'login') void router.push({ name: 'login', query: { next: here.fullPath } })
})

createApp(App).use(i18n).use(router).mount('#app')
