import { execFile, spawn } from 'node:child_process'
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { load } from 'cheerio'
import type { LocalTenant } from 'entra-local-tenant'
import { TenantTestControl } from 'entra-local-tenant/testing'
import t from 'tap'
import { BffBrowser } from '../../../harness/bff-browser.ts'
import { freePort } from '../../../harness/ports.ts'
import { outsideEnv, startTenantCli, withoutNodeOptions } from '../../../harness/tenant-cli.ts'

// fastify-entra-bff's second user, as someone outside this repo gets it: the workspaces packed
// (`npm pack`), installed with fastify into an empty folder in the OS temp directory, and the
// example's own code (examples/minimal) run there by Node 24 without TypeScript tooling and
// without the in-repo `entra-source` condition, so the package's built JavaScript is what runs.
// Against `npx entra-local-tenant` from its tarball: sign-in, the MFA route's step-up with the
// typed note kept, sign-out.

const run = promisify(execFile)
const repo = new URL('../../../', import.meta.url).pathname
const example = join(repo, 'examples/minimal')
// npm, npx and the example as outside the repository: this Node (24) first on PATH, without the
// test runner's loaders and the in-repo condition (harness/tenant-cli.ts).
const clean = withoutNodeOptions
const outside = outsideEnv()
const big = { env: outside, maxBuffer: 16 * 1024 * 1024 }

t.test('the example installed from the packed tarballs signs in against npx entra-local-tenant, steps up with the note kept, and signs out', async (t) => {
  t.setTimeout(600_000)
  const folder = await mkdtemp(join(tmpdir(), 'entra-bff-example-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  // `prepack` builds each package first (tsc): the tarballs hold dist/ and nothing of src/.
  await run(...clean('npm', ['pack', '--workspaces', '--pack-destination', folder, '--silent']), { cwd: repo, ...big })
  const tarballs = (await readdir(folder)).filter((name) => name.endsWith('.tgz')).sort()
  t.match(tarballs, [/^entra-local-tenant-\d+\.\d+\.\d+\.tgz$/, /^fastify-entra-bff-\d+\.\d+\.\d+\.tgz$/], 'npm pack --workspaces makes both tarballs')
  const app = join(folder, 'app')
  await cp(example, app, { recursive: true, filter: (source) => !source.includes('node_modules') })
  await run(...clean('npm', ['install', '--prefer-offline', '--no-package-lock', ...tarballs.map((name) => join(folder, name)), 'fastify@5']), { cwd: app, ...big })
  for (const name of ['fastify-entra-bff', 'entra-local-tenant']) {
    t.notOk((await readdir(join(app, 'node_modules', name))).includes('src'), `${name} is installed without TypeScript sources`)
  }
  // The declarations are usable as installed: the example type-checks against them, library
  // checks on, without the optional Redis peers (TypeScript itself is not installed there: the repo's compiler).
  await writeFile(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2024', module: 'nodenext', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: false, typeRoots: [join(repo, 'node_modules/@types')], types: ['node'] },
    files: ['app.ts', 'server.ts'],
  }))
  await run(...clean(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', app]), big)
  t.pass('the example type-checks against the installed declarations')

  // The tenant as its admin would set it: the shipped tenant file, with this app's addresses registered.
  const [port, tenantPort, pagesPort] = [await freePort(), await freePort(), await freePort()]
  const origin = `http://localhost:${port}`
  const tenantFile = JSON.parse(await readFile(join(app, 'node_modules/entra-local-tenant/tenant.default.json'), 'utf8'))
  tenantFile.apps.bff.redirectUris.push(`${origin}/auth/redirect`)
  tenantFile.apps.bff.postLogoutRedirectUris.push(`${origin}/`)
  await writeFile(join(folder, 'tenant.json'), JSON.stringify(tenantFile))
  const { printed, stop } = await startTenantCli(app, ['--port', String(tenantPort), '--pages-port', String(pagesPort), '--data-dir', join(folder, 'tenant-data'), '--tenant-file', join(folder, 'tenant.json'), '--test-control'])
  t.teardown(stop)
  const found = (pattern: RegExp) => pattern.exec(printed)?.[1] ?? ''
  const authority = found(/Authority\s+(\S+)/)
  const control = new TenantTestControl(found(/Test control\s+(\S+)/))
  const [email, password] = [found(/Demo user\s+(\S+) \//), found(/Demo user\s+\S+ \/ (\S+)/)]

  const server = spawn(...clean(process.execPath, ['server.ts']), {
    cwd: app,
    env: {
      ...outside, PORT: String(port), ENTRA_AUTHORITY: authority, ENTRA_CLIENT_ID: found(/bff\s+client id (\S+)/), ENTRA_CLIENT_SECRET: found(/bff\s+client id \S+\n\s+secret\s+(\S+)/),
      ENTRA_CA_FILE: found(/Trust its CA\s+(\S+)/), API_SCOPE: `${tenantFile.apps.profileService.identifierUri}/${tenantFile.apps.profileService.exposedScopes[0]}`,
      SESSION_SECRET: 'an example session secret of 32 chars or more',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => { server.kill() })
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening on')) resolve() })
    server.once('exit', (code) => reject(new Error(`the example exited with ${code}`)))
  })

  // A browser without JavaScript; the tenant's one-time codes come from its mailbox (test control).
  const tenant = { testing: { lastCode: (to: string) => control.lastCode(to, 'mfa') } } as unknown as LocalTenant
  const user = { email, password, displayName: '' }
  const browser = new BffBrowser(origin, tenant)
  const signedIn = await browser.authorize('/auth/sign-in?returnTo=%2F', user)
  t.equal(signedIn.location, '/')
  t.match(load((await browser.get('/')).body)('#user').text(), /\S/, 'the page shows the signed-in user')

  const sent = await browser.send('POST', '/notes', { form: { text: 'Kept through MFA', _csrf: browser.lastCsrf! } })
  t.equal(sent.status, 303)
  t.equal(sent.location, '/auth/step-up', 'the API\'s MFA policy asks for a step-up')
  const verified = await browser.authorize('/auth/step-up', user)
  t.equal(verified.location, '/notes', 'back on the route that needed MFA')
  const notes = await browser.get('/notes')
  t.equal(notes.status, 200)
  t.equal(load(notes.body)('#note').text(), 'Kept through MFA', 'the note typed before the step-up is there')

  const home = await browser.get('/')
  const signedOut = await browser.send('POST', '/auth/sign-out', { form: { _csrf: load(home.body)('input[name="_csrf"]').attr('value')! } })
  t.equal(signedOut.status, 303)
  t.match(signedOut.location, `post_logout_redirect_uri=${encodeURIComponent(`${origin}/`)}`, 'on to the tenant\'s sign-out')
  t.match((await browser.get('/')).body, /Sign in/, 'signed out')
})
