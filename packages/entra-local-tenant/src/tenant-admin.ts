import { sendAdminRequest } from './admin-requests.ts'

// `npm run tenant-admin -- revoke-sessions EMAIL`: as the admin center's "Revoke sessions" on the
// running local tenant (LOCAL_TENANT_DATA_DIR, default .data/local-tenant). No HTTP route does this.
// The CLI has the same as `entra-local-tenant users revoke-sessions EMAIL`.

const usage = 'Usage: npm run tenant-admin -- revoke-sessions EMAIL'

async function main(args: string[]): Promise<number> {
  const [action, email] = args
  if (action !== 'revoke-sessions' || !email) {
    process.stderr.write(`${usage}\n`)
    return 2
  }
  const result = await sendAdminRequest(process.env.LOCAL_TENANT_DATA_DIR ?? '.data/local-tenant', { action, email })
  ;(result.ok ? process.stdout : process.stderr).write(`${result.message}\n`)
  return result.ok ? 0 : 1
}

process.exitCode = await main(process.argv.slice(2))
