import type { Plugin } from 'vite'

/** Writes a level-9 gzip beside each script and style of the build (name.js.gz). */
export function precompress(): Plugin
