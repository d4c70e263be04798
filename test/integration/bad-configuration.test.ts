import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import t, { type Test } from 'tap'
import { entraEnv } from '../helpers/config-fixtures.ts'

// `npm start` with a bad configuration: the real entry point lists every problem and exits 1
// before any role listens. The roles' ports are held by this test: a role that tried to listen
// would fail with EADDRINUSE instead of the list, so the list alone proves nothing was bound.

/** A loopback port this test holds until it ends. */
async function heldPort(t: Test): Promise<number> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const address = server.address()
  if (typeof address !== 'object' || !address) throw new Error('no port')
  return address.port
}

/** `node src/main.ts` with exactly this environment (nothing inherited but PATH). */
function start(env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(Object.entries({ PATH: process.env.PATH, ...env }).filter(([, value]) => value !== undefined)) as Record<string, string>
    const child = execFile(process.execPath, ['src/main.ts'], { env: clean, timeout: 60_000 }, (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }))
  })
}

t.test('PROFILE=entra with nothing else exits 1 naming all the variables the roles need, and no role listens', async (t) => {
  const ports = { BFF_PORT: String(await heldPort(t)), PROFILE_SERVICE_PORT: String(await heldPort(t)) }
  const { code, stdout, stderr } = await start({ PROFILE: 'entra', ...ports })
  t.equal(code, 1)
  for (const variable of ['TENANT_SUBDOMAIN', 'TENANT_ID', 'BFF_PUBLIC_ORIGIN', 'BFF_CLIENT_ID', 'BFF_CLIENT_SECRET', 'SESSION_SECRETS', 'PROFILE_SERVICE_URL', 'PROFILE_SERVICE_SCOPE', 'PROFILE_SERVICE_CLIENT_ID', 'PROFILE_SERVICE_CLIENT_SECRET']) {
    t.match(stderr, new RegExp(`^  - ${variable} is missing`, 'm'), variable)
  }
  t.notMatch(stderr, /EADDRINUSE/, 'no role tried to listen')
  t.equal(stdout, '', 'no banner: nothing started')
})

t.test('a service configuration that is complete does not start the service while the BFF\'s is bad', async (t) => {
  const ports = { BFF_PORT: String(await heldPort(t)), PROFILE_SERVICE_PORT: String(await heldPort(t)) }
  const { code, stdout, stderr } = await start({ ...entraEnv, BFF_CLIENT_ID: undefined, SESSION_SECRETS: 'too-short', PROFILE_SERVICE_URL: undefined, ...ports })
  t.equal(code, 1)
  t.match(stderr, /^Invalid configuration \(PROFILE=entra, roles profile-service, bff\): 3 problems; nothing was started\./m)
  t.match(stderr, /BFF_CLIENT_ID is missing/)
  t.match(stderr, /SESSION_SECRETS is not valid/)
  t.match(stderr, /PROFILE_SERVICE_URL is missing/)
  t.notMatch(stderr, /EADDRINUSE/, 'the edit profile service was never started (it starts first)')
  t.notMatch(stderr, /too-short/, 'a secret value is never printed')
  t.equal(stdout, '')
})
