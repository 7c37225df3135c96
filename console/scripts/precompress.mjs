// A Vite plugin: each script and style of the build is written beside its gzip at the
// highest level (name.js.gz). The service sends that file to a browser that accepts gzip
// (graph_service/api/console.py), so no request spends the server's time compressing (the
// middleware did it, at level 6, on every visit that was not served from the cache).
// Plain JavaScript, as the other build scripts here: it needs Node's own modules.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const COMPRESSED = /\.(js|css|svg|json)$/
const SMALLEST = 1024 // the middleware's own threshold: smaller files go as they are

export function precompress() {
  return {
    name: 'precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle)) {
        if (!COMPRESSED.test(name)) continue
        const file = join(options.dir ?? 'dist', name)
        const raw = readFileSync(file)
        if (raw.length >= SMALLEST) writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }))
      }
    },
  }
}
