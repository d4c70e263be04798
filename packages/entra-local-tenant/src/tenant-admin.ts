import { randomUUID } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { adminFolder, writeAtomically, type AdminRequest, type AdminResult } from './admin-requests.ts'

// `npm run tenant-admin -- revoke-sessions EMAIL`: as the admin center's "Revoke sessions" on the
// running local tenant (LOCAL_TENANT_DATA_DIR, default .data/local-tenant). No HTTP route does this.

const usage = 'Usage: npm run tenant-admin -- revoke-sessions EMAIL'

async function main(args: string[]): Promise<number> {
  const [action, email] = args
  if (action !== 'revoke-sessions' || !email) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  const folder = join(process.env.LOCAL_TENANT_DATA_DIR ?? '.data/local-tenant', adminFolder)
  const id = randomUUID()
  const request: AdminRequest = { action, email }
  try {
    await writeAtomically(join(folder, `${id}.request.json`), JSON.stringify(request))
  } catch {
    process.stderr.write(`No local tenant data folder at ${folder}: start the tenant first ("npm run local-tenant").\n`)
    return 1
  }
  const resultFile = join(folder, `${id}.result.json`)
  for (let waited = 0; waited < 5_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const text = await readFile(resultFile, 'utf8').catch(() => undefined)
    if (!text) continue
    await rm(resultFile, { force: true })
    const result = JSON.parse(text) as AdminResult
    ;(result.ok ? process.stdout : process.stderr).write(`${result.message}\n`)
    return result.ok ? 0 : 1
  }
  await rm(join(folder, `${id}.request.json`), { force: true })
  process.stderr.write('The local tenant did not answer: is it running with this LOCAL_TENANT_DATA_DIR?\n')
  return 1
}

process.exitCode = await main(process.argv.slice(2))
