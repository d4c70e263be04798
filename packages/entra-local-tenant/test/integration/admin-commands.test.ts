import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { promisify } from 'node:util'
import type { ServerError } from '@azure/msal-node'
import { decodeJwt } from 'jose'
import t, { type Test } from 'tap'
import { runAdminCommand } from '../../src/admin-commands.ts'
import { startTestTenant } from '../helpers/tenant.ts'
import { msalClientFor, redirectUri, signInWithCode } from '../../../../harness/msal-client.ts'

// Issue 25, item 3: what an admin does in the Entra admin center, as `entra-local-tenant apps|users|ca`.

const cli = new URL('../../src/cli.ts', import.meta.url).pathname

async function workFolder(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenant-admin-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** An admin command as the CLI runs it; its exit code and what it printed. */
async function admin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const printed = { out: '', err: '' }
  const stream = (key: 'out' | 'err') => new Writable({ write(chunk, _encoding, done) { printed[key] += String(chunk); done() } })
  const code = await runAdminCommand(args, stream('out'), stream('err'))
  return { code, ...printed }
}

t.test('the seed document\'s admin steps as commands: the tenant then serves the API with its MFA policy', async (t) => {
  const tenantFile = join(await workFolder(t), 'tenant.json')
  const api = await admin('apps', 'add', 'orders-api', '--expose-scope', 'Orders.Read', '--permission', 'User.ReadWrite', '--tenant-file', tenantFile)
  t.equal(api.code, 0, api.err)
  const scope = /scope (api:\/\/\S+)/.exec(api.out)?.[1] ?? ''
  t.match(scope, /^api:\/\/[0-9a-f-]{36}\/Orders\.Read$/)
  const web = await admin('apps', 'add', 'web', '--redirect-uri', redirectUri, '--permission', 'User.Read', '--permission', scope, '--tenant-file', tenantFile)
  t.equal(web.code, 0, web.err)
  t.equal((await admin('ca', 'add-policy', 'MFA for orders', '--app', 'orders-api', '--tenant-file', tenantFile)).code, 0)
  t.equal((await admin('users', 'add', 'ann@contoso.test', '--password', 'Ann-Passw0rd!42', '--name', 'Ann', '--tenant-file', tenantFile)).code, 0)
  const listed = await admin('apps', 'list', '--tenant-file', tenantFile)
  t.match(listed.out, `web  `)
  t.match(listed.out, `delegated permission ${scope}`)
  t.match((await admin('users', 'list', '--tenant-file', tenantFile)).out, /ann@contoso\.test {2}[0-9a-f-]{36} {2}Ann/)

  const tenant = await startTestTenant(t, { tenantFile })
  const webApp = tenant.clients.find((client) => client.name === 'web')
  const ordersApi = tenant.clients.find((client) => client.name === 'orders-api')
  const client = msalClientFor(tenant, { clientId: webApp?.clientId ?? '', clientSecret: webApp?.clientSecret ?? '' })
  const { result } = await signInWithCode(tenant, client, { email: 'ann@contoso.test', password: 'Ann-Passw0rd!42' }, { scopes: [scope] })
  t.equal(decodeJwt(result.accessToken).aud, ordersApi?.clientId, 'an access token for the API')
  t.ok(tenant.testing.lastCode('ann@contoso.test'), 'the policy asked Ann for a second factor')
})

t.test('users disable blocks sign-in on the running tenant: refresh tokens answer AADSTS50057', async (t) => {
  const tenant = await startTestTenant(t)
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result } = await signInWithCode(tenant, client, tenant.demoUser, { scopes: ['User.Read'] })
  const disabled = await admin('users', 'disable', tenant.demoUser.email, '--data-dir', tenant.config.dataDir)
  t.equal(disabled.code, 0, disabled.err)
  t.match(disabled.out, /^Blocked sign-in for demo@contoso\.test/)
  const refused = await client.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'], forceRefresh: true }).then(() => undefined, (error: ServerError) => error)
  t.match(refused?.errorMessage, /AADSTS50057: /)
  t.equal((await admin('users', 'revoke-sessions', 'nobody@contoso.test', '--data-dir', tenant.config.dataDir)).code, 1, 'an unknown user is refused')
})

t.test('a change that would break the tenant file is refused, and nothing is written', async (t) => {
  const tenantFile = join(await workFolder(t), 'tenant.json')
  const refused = await admin('apps', 'add', 'bad', '--expose-scope', 'Orders Read', '--tenant-file', tenantFile)
  t.equal(refused.code, 1)
  t.match(refused.err, 'The change would break the tenant file: /apps/bad/exposedScopes/0 must match pattern')
  t.notOk(existsSync(tenantFile))
})

t.test('a command the CLI does not know prints the admin usage and exits 2', async (t) => {
  const unknown = await promisify(execFile)(process.execPath, [cli, 'apps', 'remove', 'web']).catch((error: { code: number; stderr: string }) => error)
  t.match(unknown, { code: 2, stderr: /Unknown command "apps remove web"[\s\S]*entra-local-tenant apps add NAME/ })
  t.match(await admin('apps', 'add', 'x', '--no-such-flag'), { code: 2, err: /Unknown option '--no-such-flag'/ })
  t.equal((await admin('ca', 'add-policy', 'x', '--app', 'nothing', '--tenant-file', join(await workFolder(t), 'f.json'))).code, 2)
})
