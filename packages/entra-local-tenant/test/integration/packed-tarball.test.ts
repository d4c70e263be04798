import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { request } from 'undici'
import { TenantTestControl } from '../../src/testing-client.ts'
import { checkEntraFidelity, type FidelityTenant } from '../helpers/fidelity.ts'
import { createHttpAgent } from '../helpers/http.ts'
import { freePort } from '../../../../harness/ports.ts'
import { outsideEnv, startTenantCli, withoutNodeOptions } from '../../../../harness/tenant-cli.ts'

// Issue 25 "done when": the packed tarball, installed in an empty folder outside the repo, runs
// with Node alone (no TypeScript tooling, no workspace): --help, and a start with default flags
// (on free ports) that serves discovery with and without /v2.0.

const run = promisify(execFile)
const packageDir = new URL('../../', import.meta.url).pathname
// npm and npx as outside the repository: this Node (24) first on PATH, no test runner's loaders.
const env = outsideEnv()
const clean = withoutNodeOptions

t.test('the packed tarball installs in an empty folder and serves discovery with default flags', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'entra-local-tenant-pack-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  await run(...clean('npm', ['pack', '--pack-destination', work, '--silent']), { cwd: packageDir, env, timeout: 60_000 })
  const [tarball] = (await readdir(work)).filter((name) => name.endsWith('.tgz'))
  t.match(tarball, /^entra-local-tenant-\d+\.\d+\.\d+\.tgz$/)

  const project = join(work, 'project')
  await run('mkdir', [project])
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'uses-the-tenant', private: true, type: 'module' }))
  await run(...clean('npm', ['install', join(work, tarball), '--no-audit', '--no-fund', '--prefer-offline', '--silent']), { cwd: project, env, timeout: 120_000 })
  const installed = JSON.parse(await readFile(join(project, 'node_modules', 'entra-local-tenant', 'package.json'), 'utf8'))
  t.notOk((await readdir(join(project, 'node_modules', 'entra-local-tenant'))).includes('src'), 'JavaScript only: no TypeScript sources shipped')
  t.equal(installed.bin['entra-local-tenant'], './dist/cli.js')

  const help = await run(...clean('npx', ['--no-install', 'entra-local-tenant', '--help']), { cwd: project, env, timeout: 30_000 })
  for (const flag of ['--port', '--pages-port', '--hostname', '--data-dir', '--tenant-file', '--test-control']) t.match(help.stdout, flag, `--help lists ${flag}`)

  const [port, pagesPort] = [await freePort(), await freePort()]
  const { printed, stop } = await startTenantCli(project, ['--port', String(port), '--pages-port', String(pagesPort)])
  t.teardown(stop)
  const authority = /Authority\s+(\S+)/.exec(printed)?.[1] ?? ''
  t.match(authority, new RegExp(`^https://localhost:${port}/[0-9a-f-]{36}$`), 'the authority')
  t.match(printed, new RegExp(`Mailbox\\s+http://localhost:${pagesPort}/mailbox`), 'the mailbox URL')
  t.match(printed, /client id [0-9a-f-]{36}\n\s+secret\s+\S{20,}/, 'client ids and their secrets')
  const caFile = /Trust its CA\s+(\S+)/.exec(printed)?.[1] ?? ''
  t.equal(caFile, join(project, '.data', 'local-tenant', 'ca.crt'), 'the CA to trust, in the default data dir')

  const agent = createHttpAgent({ extraCaPem: [await readFile(caFile, 'utf8')] })
  t.teardown(() => agent.close())
  const discovery = async (path: string) => {
    const answer = await request(`${authority}${path}`, { dispatcher: agent })
    t.equal(answer.statusCode, 200, path)
    return (await answer.body.json()) as Record<string, unknown>
  }
  const v2 = await discovery('/v2.0/.well-known/openid-configuration')
  t.equal(v2.issuer, `${authority}/v2.0`)
  t.equal(v2.token_endpoint, `${authority}/oauth2/v2.0/token`)
  const v1 = await discovery('/.well-known/openid-configuration')
  t.equal(v1.end_session_endpoint, `http://localhost:${pagesPort}/${authority.split('/').pop()}/oauth2/logout`, 'without /v2.0: the document that names the sign-out page')
  stop()

  // The fidelity checks every tenant goes through (helpers/fidelity.ts: scopes of two resources at
  // authorize and refresh, typ JWT, an app-only Graph token its Graph takes, select_account keeping
  // single sign-on, ...) against the tenant the tarball runs, its one-time codes from the test-control mailbox.
  const [controlledPort, controlledPagesPort] = [await freePort(), await freePort()]
  const controlled = await startTenantCli(project, ['--port', String(controlledPort), '--pages-port', String(controlledPagesPort), '--test-control'])
  t.teardown(controlled.stop)
  const tenantFile = JSON.parse(await readFile(join(project, 'node_modules', 'entra-local-tenant', 'tenant.default.json'), 'utf8'))
  checkEntraFidelity(t, await printedTenant(controlled.printed, tenantFile))
})

/** The tenant a CLI start printed, as the fidelity checks see a tenant (its apps' scope and the demo user from its tenant file). */
async function printedTenant(printed: string, tenantFile: { apps: { profileService: { identifierUri: string; exposedScopes: string[] } }; users: { email: string; password: string; displayName: string }[] }): Promise<FidelityTenant> {
  const found = (pattern: RegExp) => pattern.exec(printed)?.[1] ?? ''
  const authority = new URL(found(/Authority\s+(\S+)/))
  const pages = found(/Sign-in pages\s+(\S+)/)
  const control = new TenantTestControl(found(/Test control\s+(\S+)/))
  const app = (name: string) => ({ clientId: found(new RegExp(`${name}\\s+client id (\\S+)`)), clientSecret: found(new RegExp(`${name}\\s+client id \\S+\\n\\s+secret\\s+(\\S+)`)) })
  const { identifierUri, exposedScopes } = tenantFile.apps.profileService
  const [demoUser] = tenantFile.users
  return {
    httpsOrigin: authority.origin, tenantId: authority.pathname.slice(1), httpOrigin: pages, browserOrigin: pages,
    graphBaseUrl: found(/Graph\s+(\S+)/), caCertificatePem: await readFile(found(/Trust its CA\s+(\S+)/), 'utf8'),
    demoUser: { email: demoUser.email, password: demoUser.password, displayName: demoUser.displayName },
    apps: { bff: app('bff'), profileService: { ...app('profileService'), scope: `${identifierUri}/${exposedScopes[0]}` } },
    testing: { lastCode: (email: string) => control.lastCode(email, 'mfa') },
  } as unknown as FidelityTenant
}
