import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { request } from 'undici'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { profileServiceConfig, userTokenForService } from '../../helpers/profile-service.ts'

// The service runs as its own process at the most talkative log level, and everything it writes
// is searched for token content: the caller's token, any JWT, the client secret.

const appModule = fileURLToPath(new URL('../../../src/profile-service/app.ts', import.meta.url))
const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/

t.test('at trace level the service logs requests but never a token or secret', async (t) => {
  const tenant = await startTestTenant(t)
  const config = profileServiceConfig(tenant, { logLevel: 'trace' })
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const { buildProfileService } = await import(${JSON.stringify(appModule)})
    const app = await buildProfileService(JSON.parse(process.env.SERVICE_CONFIG))
    await app.listen({ host: '127.0.0.1', port: 0 })
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)))
  `], { env: { ...process.env, SERVICE_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { child.kill('SIGTERM') })

  const output: string[] = []
  child.stderr.on('data', (chunk) => output.push(String(chunk)))
  const base = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`service exited (${code}): ${output.join('')}`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(line)
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
      if (listening) resolve(listening[1])
    })
  })

  const { accessToken } = await userTokenForService(tenant)
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }
  t.equal((await request(`${base}/me`, { headers })).statusCode, 200)
  t.equal((await request(`${base}/me`, { method: 'PATCH', headers, body: JSON.stringify({ surname: 'Logged' }) })).statusCode, 200)
  const forged = `${accessToken.slice(0, accessToken.lastIndexOf('.'))}.c2lnbmF0dXJl`
  t.equal((await request(`${base}/me`, { headers: { authorization: `Bearer ${forged}` } })).statusCode, 401)
  t.equal((await request(`${base}/me`, { method: 'PATCH', headers, body: '{"surname": ' })).statusCode, 400)

  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  const log = output.join('\n')
  t.match(log, /incoming request/, 'requests are logged')
  t.notMatch(log, jwtShape, 'no JWT-shaped text')
  t.notOk(log.includes(accessToken.split('.')[2]), 'not the token signature')
  t.notOk(log.includes(tenant.apps.profileService.clientSecret), 'not the client secret')
})
