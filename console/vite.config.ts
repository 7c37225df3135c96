// The console is served by the service under /console/ (graph_service/api/console.py): its
// pages' paths never meet the API's (/gaps/{code}, /entities/{id} …).
import vue from '@vitejs/plugin-vue'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'
import { precompress } from './scripts/precompress.mjs'

export default defineConfig({
  base: '/console/',
  plugins: [
    vue(),
    // only the Element Plus components a page uses, with their styles, go into its bundle
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    precompress(), // name.js.gz beside name.js: served as it is (api/console.py)
  ],
  build: {
    // no inlined data: URLs for fonts or images beyond a few bytes; everything is a file
    // of this origin, hashed, cached for a year
    assetsInlineLimit: 1024,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // ECharts is one chunk, loaded by the pages that draw charts once their numbers are
        // drawn. Element Plus is not grouped: each page's chunk carries the components it
        // uses (with their styles), so no page loads and parses the whole set (one chunk of
        // it was 980 kB, 320 kB gzipped, loaded by every page)
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'echarts'
          return undefined
        },
      },
    },
  },
  server: { proxy: { '^/(?!console/).*': 'http://127.0.0.1:8000' } },
})
