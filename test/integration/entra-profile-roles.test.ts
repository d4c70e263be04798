import { spawnSync } from 'node:child_process'
import t from 'tap'
import { request } from 'undici'
import { readEnv } from '../../src/config/read-env.ts'
import { chooseRoles } from '../../src/roles.ts'
import { startRoles } from '../../src/start-roles.ts'

// PROFILE=entra runs against a real tenant: the local tenant (the demo) never starts with it.

const entra = {
  PROFILE: 'entra',
  TENANT_SUBDOMAIN: 'contoso',
  TENANT_ID: '11111111-2222-3333-4444-555555555555',
  // Nothing answers here: the roles start (not ready) without reaching the internet.
  AUTHORITY: 'https://127.0.0.1:9/11111111-2222-3333-4444-555555555555',
  BFF_PORT: '0',
  PROFILE_SERVICE_PORT: '0',
  BFF_PUBLIC_ORIGIN: 'http://localhost:3000',
  BFF_CLIENT_ID: 'aaaaaaaa-2222-3333-4444-555555555555',
  BFF_CLIENT_SECRET: 'bff-secret',
  SESSION_SECRETS: 'q8Zr0v+3LkYw1pXc7TnB5mHa9dGe2sJu',
  PROFILE_SERVICE_URL: 'http://127.0.0.1:9',
  PROFILE_SERVICE_SCOPE: 'api://bbbbbbbb-2222-3333-4444-555555555555/EditProfileService.ReadWrite',
  PROFILE_SERVICE_CLIENT_ID: 'bbbbbbbb-2222-3333-4444-555555555555',
  PROFILE_SERVICE_CLIENT_SECRET: 'service-secret',
  LOG_LEVEL: 'silent',
}

t.test('PROFILE=entra starts the BFF and the edit profile service, and never the local tenant', async (t) => {
  const env = readEnv(entra)
  const running = await startRoles(chooseRoles([], env.PROFILE), env)
  t.teardown(() => running.close())
  t.same(running.urls.map(({ role }) => role), ['profile-service', 'bff'])
  t.equal(running.tenant, undefined, 'no local tenant, so no demo account and no mailbox')
  const service = running.urls.find(({ role }) => role === 'profile-service')!
  const health = await request(`${service.url}/healthz`)
  await health.body.dump()
  t.equal(health.statusCode, 200, 'the roles that did start answer')
})

t.test('PROFILE=entra refuses to start the local tenant even when it is asked for', async (t) => {
  t.throws(() => chooseRoles(['local-tenant', 'bff'], 'entra'), /The local tenant runs only with PROFILE=local/)
})

t.test('npm start refuses to start a BFF with an https origin and no TRUST_PROXY', async (t) => {
  const started = spawnSync(process.execPath, ['src/main.ts', 'bff'], {
    cwd: new URL('../../', import.meta.url).pathname,
    env: { PATH: process.env.PATH, ...entra, BFF_PUBLIC_ORIGIN: 'https://app.contoso.com' },
    encoding: 'utf8',
    timeout: 20_000,
  })
  t.equal(started.status, 1, 'exits with status 1')
  t.match(started.stderr, /TRUST_PROXY/, 'the message names TRUST_PROXY')
})
