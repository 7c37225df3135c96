// The console is served by the service under /console/ (graph_service/api/console.py): its
// pages' paths never meet the API's (/gaps/{code}, /entities/{id} …).
import vue from '@vitejs/plugin-vue'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    // only the Element Plus components a page uses, with their styles, go into its bundle
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  build: {
    // no inlined data: URLs for fonts or images beyond a few bytes; everything is a file
    // of this origin, hashed, cached for a year
    assetsInlineLimit: 1024,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          if (id.includes('node_modules/element-plus')) return 'element-plus'
          return undefined
        },
      },
    },
  },
  server: { proxy: { '^/(?!console/).*': 'http://127.0.0.1:8000' } },
})
