import { watch } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'

// Admin actions for a running local tenant without an HTTP route: `entra-local-tenant users
// revoke-sessions|disable EMAIL` (or `npm run tenant-admin -- revoke-sessions EMAIL`) drops a request file into the tenant's data folder (mode 0700, the
// tenant's own), the tenant applies it and answers with a result file next to it.

export const adminFolder = 'admin'

export interface AdminRequest { action: 'revoke-sessions' | 'disable-user'; email: string }
export interface AdminResult { ok: boolean; message: string }

/** Written under a temporary name, then renamed: a reader never sees half a file. */
export async function writeAtomically(file: string, text: string) {
  await writeFile(`${file}.partial`, text, { mode: 0o600 })
  await rename(`${file}.partial`, file)
}

export async function watchAdminRequests(dataDir: string, apply: (request: AdminRequest) => Promise<string>, log: FastifyBaseLogger): Promise<() => void> {
  const folder = join(dataDir, adminFolder)
  await mkdir(folder, { recursive: true, mode: 0o700 })
  let running = Promise.resolve()
  const handleAll = () => {
    running = running.then(async () => {
      for (const name of (await readdir(folder)).filter((file) => file.endsWith('.request.json'))) {
        const file = join(folder, name)
        let result: AdminResult
        try {
          const request = JSON.parse(await readFile(file, 'utf8')) as AdminRequest
          result = { ok: true, message: await apply(request) }
        } catch (error) {
          result = { ok: false, message: (error as Error).message }
        }
        await rm(file, { force: true })
        await writeAtomically(file.replace(/\.request\.json$/, '.result.json'), JSON.stringify(result))
        log.info({ ok: result.ok }, `admin request: ${result.message}`)
      }
    }).catch((error) => log.warn({ err: error }, 'admin requests could not be read'))
  }
  const watcher = watch(folder, handleAll)
  handleAll()
  return () => watcher.close()
}

/** Hands a request to the tenant running on `dataDir` and waits (5 s at most) for its answer. */
export async function sendAdminRequest(dataDir: string, request: AdminRequest): Promise<AdminResult> {
  const folder = join(dataDir, adminFolder)
  const id = randomUUID()
  try {
    await writeAtomically(join(folder, `${id}.request.json`), JSON.stringify(request))
  } catch {
    return { ok: false, message: `No local tenant data folder at ${folder}: start the tenant first.` }
  }
  const resultFile = join(folder, `${id}.result.json`)
  for (let waited = 0; waited < 5_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const text = await readFile(resultFile, 'utf8').catch(() => undefined)
    if (!text) continue
    await rm(resultFile, { force: true })
    return JSON.parse(text) as AdminResult
  }
  await rm(join(folder, `${id}.request.json`), { force: true })
  return { ok: false, message: `The local tenant did not answer: is it running with the data dir ${dataDir}?` }
}
