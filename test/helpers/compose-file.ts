import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

// Compose files read as Compose reads them, for the parts these files use: `${NAME:?message}`,
// `${NAME:-default}` and `$$` interpolated from a given environment, YAML merge keys applied, and
// an override file laid over a base. No container engine runs in the tests.

export interface ComposeService {
  image?: string; user?: string; read_only?: boolean; cap_drop?: string[]; security_opt?: string[]; ports?: string[]; networks?: string[]
  command?: string[]; entrypoint?: string[]; environment?: Record<string, string>; healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>; volumes?: string[]; deploy?: { resources?: { limits?: { memory?: string } } }; tmpfs?: string[]
}
export interface ComposeFile { services: Record<string, ComposeService>; volumes?: Record<string, unknown> }

/** The file's text as written in the repository. */
export const composeText = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

const interpolate = (text: string, env: Record<string, string>) =>
  text.replace(/\$\$|\$\{([A-Z_]+)(?::[?-]([^}]*))?\}/g, (match, name: string | undefined, fallback: string | undefined) =>
    match === '$$' ? '$' : (env[name!] ?? (match.includes(':-') ? fallback ?? '' : '')))

/** A compose file with this environment's values in it (unset variables are empty). */
export const loadCompose = (file: string, env: Record<string, string> = {}) => parse(interpolate(composeText(file), env), { merge: true }) as ComposeFile

/** Compose's merge for the keys these overrides set: mappings merge, sequences (command, entrypoint) are replaced. */
export function overlaid<T>(base: T, overlay: unknown): T {
  if (!base || !overlay || typeof base !== 'object' || typeof overlay !== 'object' || Array.isArray(base) || Array.isArray(overlay)) return (overlay ?? base) as T
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(overlay)) result[key] = overlaid(result[key], value)
  return result as T
}

/** The configuration file a Sentinel service's entrypoint writes (its heredoc), with the container's variables filled in. */
export function sentinelConf(service: ComposeService): string[] {
  const script = service.entrypoint?.[2] ?? ''
  const body = script.match(/<<EOF\n([\s\S]*?)\nEOF/)?.[1] ?? ''
  return body.split('\n').map((line) => line.replace(/\$([A-Z_]+)/g, (_, name: string) => service.environment?.[name] ?? ''))
}
