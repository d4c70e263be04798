import pino from 'pino'
import t from 'tap'
import { createRedisStores } from '../../../packages/fastify-entra-bff/src/stores/redis-stores.ts'
import { journeyOnTwoReplicas } from '../../helpers/redis-journey.ts'
import { sharedRedisSession } from '../../helpers/replicas.ts'
import { startRedisTls } from '../../helpers/redis-tls.ts'

// The journey over TLS with client certificates (rediss://, REDIS_CA_FILE, REDIS_CLIENT_CERT_FILE,
// REDIS_CLIENT_KEY_FILE) against a redis-server that has no plain port and requires mTLS.

t.test('sign in, profile, step-up, save and sign out everywhere across two replicas over mTLS', async (t) => {
  const redis = await startRedisTls(t)
  if (!redis) return
  await journeyOnTwoReplicas(t, { topology: { kind: 'single', url: redis.url }, tls: { caFile: redis.caFile, certFile: redis.clientCertFile, keyFile: redis.clientKeyFile } })
})

t.test('without the client certificate the TLS Redis refuses the BFF: the dependency check says so', async (t) => {
  const redis = await startRedisTls(t)
  if (!redis) return
  const stores = await createRedisStores(sharedRedisSession({ topology: { kind: 'single', url: redis.url }, tls: { caFile: redis.caFile } }), pino({ level: 'silent' }))
  t.teardown(() => stores.close())
  t.equal(await stores.dependencies?.redis?.(), 'not reachable')
})
