import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import pino from 'pino'
import t from 'tap'
import { DependencyFailure } from '../../../packages/fastify-entra-bff/src/failures.ts'
import { createRedisStores } from '../../../packages/fastify-entra-bff/src/stores/redis-stores.ts'
import { BffBrowser, startTestBff } from '../../helpers/bff.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { localTenantCredential, startEntraRedis } from '../../helpers/redis-entra.ts'
import { sharedRedisSession } from '../../helpers/replicas.ts'

// Redis with Microsoft Entra authentication (REDIS_AUTH=entra, as Azure Managed Redis), offline:
// the local tenant issues the tokens, a real redis-server's ACL accepts each until it expires.
// Tokens live 8 s here, so the provider renews every 5.6 s (70 %) while a user keeps loading pages.

const lifetimeSeconds = 8
const shortTokens = { editTenant: (file: { settings: { accessTokenLifetimeSeconds: number } }) => { file.settings.accessTokenLifetimeSeconds = lifetimeSeconds } }

t.test('the BFF re-authenticates before each token expires: renewed at least twice, 0 failed requests', async (t) => {
  const redis = await startEntraRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t, shortTokens)
  const service = await startTestProfileService(t, tenant)
  const { credential, state } = await localTenantCredential(tenant, (token) => redis.allow(token))
  const session = sharedRedisSession({ topology: { kind: 'single', url: redis.url }, entra: { tokenCredential: credential } })
  const bff = await startTestBff(t, tenant, service.url, { config: { session } })
  const browser = new BffBrowser(bff.url, tenant)
  await browser.signIn()
  const tokensAtStart = state.tokens
  const authsAtStart = await redis.authCalls()

  const statuses: number[] = []
  let expired = 0
  // Until three more tokens were issued (renewals), with a generous cap so a stuck renewal fails, never hangs.
  for (let round = 0; state.tokens < tokensAtStart + 3 && round < 600; round++) {
    statuses.push((await browser.get(round % 2 ? '/' : '/profile')).status)
    expired += await redis.expireTokens()
    await sleep(100)
  }
  const renewals = state.tokens - tokensAtStart
  t.ok(renewals >= 3, `renewed ${renewals} times while the user was active`)
  t.ok(expired >= 2, `${expired} expired tokens were taken out of Redis's ACL meanwhile`)
  t.ok(await redis.authCalls() - authsAtStart >= renewals, 'each renewal re-AUTHed the open connections')
  t.same(statuses.filter((status) => status !== 200), [], `0 failed requests out of ${statuses.length}`)
})

t.test('a token that cannot be renewed: one clear log line, then 503 (store unavailable) once Redis refuses the old token, no crash', async (t) => {
  const redis = await startEntraRedis(t)
  if (!redis) return
  const tenant = await startTestTenant(t, shortTokens)
  const { credential, state } = await localTenantCredential(tenant, (token) => redis.allow(token))
  const lines: string[] = []
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } }))
  const stores = await createRedisStores(sharedRedisSession({ topology: { kind: 'single', url: redis.url }, entra: { tokenCredential: credential } }), log, { commandTimeoutMs: 2_000 })
  t.teardown(() => stores.close())
  const tokenCaches = stores.tokenCaches!
  for (let attempt = 0; attempt < 100 && state.tokens === 0; attempt++) await sleep(100)
  await tokenCaches.set('cache-1', '{}', 60_000)
  t.equal(await tokenCaches.get('cache-1'), '{}', 'works with the first token')

  state.refusing = true // the issuer stops answering
  const renewalFailed = () => lines.filter((line) => line.includes('Redis Entra token could not be renewed'))
  for (let attempt = 0; attempt < 300 && renewalFailed().length === 0; attempt++) await sleep(100)
  t.equal(await tokenCaches.get('cache-1'), '{}', 'the current token still works until it expires')
  let expired = 0
  for (let attempt = 0; attempt < 300 && expired === 0; attempt++) {
    expired += await redis.expireTokens()
    await sleep(100)
  }
  t.equal(expired, 1, 'Redis dropped the expired token and closed its connection')
  const failure = await tokenCaches.get('cache-1').then(() => undefined, (error: unknown) => error)
  t.ok(failure instanceof DependencyFailure && failure.failure === 'store-unavailable', 'the store answers "unavailable": the BFF\'s 503 page')
  const logged = renewalFailed()
  t.equal(logged.length, 1, 'one log line')
  t.match(JSON.parse(logged[0]), { level: 50, msg: /could not be renewed: Redis will refuse the BFF when the current token expires/, err: /cannot be reached/ })
  t.notMatch(lines.join('\n'), /eyJ[A-Za-z0-9_-]{10,}/, 'no token in the log')
})
