import t from 'tap'
import { request } from 'undici'
import { buildProfileService } from '../../../src/profile-service/app.ts'
import { freePort } from '../../../harness/ports.ts'

// A tenant that cannot be reached is the service's outage: not ready, and 503 for callers,
// never a 401 that would send a user through sign-in again for nothing.

t.test('with the tenant unreachable the service is alive but not ready, and callers get 503', async (t) => {
  const port = await freePort()
  const app = await buildProfileService({
    host: '127.0.0.1', port: 0,
    tenant: { authority: `https://localhost:${port}/11111111-1111-1111-1111-111111111111`, knownAuthority: `localhost:${port}`, extraCaPem: [] },
    clientId: '22222222-2222-2222-2222-222222222222',
    credential: { kind: 'secret', clientSecret: 'unused' },
    requiredScope: 'EditProfileService.ReadWrite',
    graphBaseUrl: 'http://127.0.0.1:9/v1.0',
    logLevel: 'silent',
  })
  t.teardown(() => app.close())
  const base = await app.listen({ host: '127.0.0.1', port: 0 })

  t.equal((await request(`${base}/healthz`)).statusCode, 200)
  const ready = await request(`${base}/readyz`)
  t.equal(ready.statusCode, 503)
  t.match(await ready.body.json(), { status: 'not ready' })

  const response = await request(`${base}/me`, { headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln' } })
  t.equal(response.statusCode, 503)
  t.equal(response.headers['www-authenticate'], undefined)
  t.match(await response.body.json(), { error: { code: 'tenant_unavailable' } })
})
