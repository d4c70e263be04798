import { accessSync, constants } from 'node:fs'
import type { ConfigurationProblem } from './configuration-error.ts'
import type { Env } from './env-schema.ts'

/** A variable that names a file: the problem when this process cannot read it (none when unset). */
export function unreadableFile(variable: keyof Env, path: string | undefined): ConfigurationProblem[] {
  if (!path) return []
  try {
    accessSync(path, constants.R_OK)
    return []
  } catch {
    return [{ variable, problem: 'names a file that cannot be read' }]
  }
}
