import { execFile, spawn } from 'node:child_process'
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { load } from 'cheerio'
import t from 'tap'
import { BffBrowser } from '../../../harness/bff-browser.ts'
import { freePort } from '../../../harness/ports.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'

// fastify-entra-bff's second user, as someone outside this repo gets it: the workspaces packed
// (`npm pack`), installed with fastify into an empty folder in the OS temp directory, and the
// example's own code (examples/minimal) run there by Node 24 without TypeScript tooling and
// without the in-repo `entra-source` condition, so the package's built JavaScript is what runs.
// Against the local tenant: sign-in, the MFA route's step-up with the typed note kept, sign-out.

const run = promisify(execFile)
const repo = new URL('../../../', import.meta.url).pathname
const example = join(repo, 'examples/minimal')

t.test('the example installed from the packed tarballs signs in, steps up with the note kept, and signs out', async (t) => {
  t.setTimeout(600_000)
  const folder = await mkdtemp(join(tmpdir(), 'entra-bff-example-'))
  t.teardown(() => rm(folder, { recursive: true, force: true }))
  // `prepack` builds each package first (tsc): the tarballs hold dist/ and nothing of src/.
  await run('npm', ['pack', '--workspaces', '--pack-destination', folder, '--silent'], { cwd: repo, maxBuffer: 16 * 1024 * 1024 })
  const tarballs = (await readdir(folder)).filter((name) => name.endsWith('.tgz'))
  t.match(tarballs.sort(), [/^entra-local-tenant-\d+\.\d+\.\d+\.tgz$/, /^fastify-entra-bff-\d+\.\d+\.\d+\.tgz$/], 'npm pack --workspaces makes both tarballs')
  const app = join(folder, 'app')
  await cp(example, app, { recursive: true, filter: (source) => !source.includes('node_modules') })
  const env = { ...process.env, NODE_OPTIONS: '', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }
  await run('npm', ['install', '--prefer-offline', '--no-package-lock', join(folder, tarballs.find((name) => name.startsWith('fastify-entra-bff'))!), 'fastify@5'], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 })
  const installed = await readdir(join(app, 'node_modules/fastify-entra-bff'))
  t.notOk(installed.includes('src'), 'the installed package has no TypeScript sources')

  const port = await freePort()
  const origin = `http://localhost:${port}`
  const tenant = await startTestTenant(t)
  const { clientId, clientSecret } = tenant.apps.bff
  tenant.testing.registerRedirectUris(clientId, { redirectUris: [`${origin}/auth/redirect`], postLogoutRedirectUris: [`${origin}/`] })
  const caFile = join(folder, 'tenant-ca.pem')
  await writeFile(caFile, tenant.caCertificatePem)
  const server = spawn(process.execPath, ['server.ts'], {
    cwd: app,
    env: {
      ...env, PORT: String(port), ENTRA_AUTHORITY: tenant.authority, ENTRA_CLIENT_ID: clientId, ENTRA_CLIENT_SECRET: clientSecret,
      ENTRA_CA_FILE: caFile, API_SCOPE: tenant.apps.profileService.scope, SESSION_SECRET: 'an example session secret of 32 chars or more',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => { server.kill() })
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('listening on')) resolve() })
    server.once('exit', (code) => reject(new Error(`the example exited with ${code}`)))
  })

  const browser = new BffBrowser(origin, tenant)
  const signedIn = await browser.authorize('/auth/sign-in?returnTo=%2F')
  t.equal(signedIn.status, 302)
  t.equal(signedIn.location, '/')
  const home = await browser.get('/')
  t.equal(load(home.body)('#user').text(), tenant.demoUser.displayName, 'the page shows the signed-in user')

  const sent = await browser.send('POST', '/notes', { form: { text: 'Kept through MFA', _csrf: browser.lastCsrf! } })
  t.equal(sent.status, 303)
  t.equal(sent.location, '/auth/step-up', 'the API\'s MFA policy asks for a step-up')
  const verified = await browser.authorize('/auth/step-up')
  t.equal(verified.location, '/notes', 'back on the route that needed MFA')
  const notes = await browser.get('/notes')
  t.equal(notes.status, 200)
  t.equal(load(notes.body)('#note').text(), 'Kept through MFA', 'the note typed before the step-up is there')

  const home2 = await browser.get('/')
  const signedOut = await browser.send('POST', '/auth/sign-out', { form: { _csrf: load(home2.body)('input[name="_csrf"]').attr('value')! } })
  t.equal(signedOut.status, 303)
  t.match(signedOut.location, new RegExp(`^${tenant.httpOrigin}.*logout.*post_logout_redirect_uri=${encodeURIComponent(`${origin}/`)}`), 'on to the tenant\'s sign-out')
  const after = await browser.get('/')
  t.match(after.body, /Sign in/, 'signed out')
})
