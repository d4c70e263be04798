import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AppRegistration } from './tenant-file.ts'

/** Client secrets are made on first start and kept in the data dir: never in the tenant file or git. */
export async function loadClientSecrets(dataDir: string, apps: AppRegistration[]): Promise<Map<string, string>> {
  const file = join(dataDir, 'client-secrets.json')
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {}
  let changed = false
  for (const app of apps) {
    if (!stored[app.clientId]) {
      stored[app.clientId] = `lt~${randomBytes(30).toString('base64url')}`
      changed = true
    }
  }
  if (changed) await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
  return new Map(Object.entries(stored))
}
