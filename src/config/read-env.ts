import { envSchema as validateEnv } from 'env-schema'
import { envSchema, type Env } from './env-schema.ts'

/** Checks the environment against the schema once, applying defaults; throws with every problem named. */
export function readEnv(source: Record<string, string | undefined>): Env {
  const data: Record<string, string> = {}
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value !== '' && name in envSchema.properties) data[name] = value
  }
  try {
    return validateEnv<Env>({ schema: envSchema, data, env: false, dotenv: false })
  } catch (error) {
    throw new Error(`Invalid configuration: ${(error as Error).message}`, { cause: error })
  }
}
