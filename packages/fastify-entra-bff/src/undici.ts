import { createRequire } from 'node:module'

type Undici = typeof import('undici')

const require = createRequire(import.meta.url)
let undici: Undici | undefined

/**
 * undici, loaded at the first outbound call instead of at boot: its 100-odd modules are about
 * 9 MiB of a replica's idle memory (docs/benchmarks.md). A synchronous require (undici is
 * CommonJS), so an agent can be made on demand inside `dispatch`.
 */
export function loadUndici(): Undici {
  undici ??= require('undici') as Undici
  return undici
}
