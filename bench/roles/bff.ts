import session from '@fastify/session'
import { buildBff } from '../../src/bff/app.ts'
import { createMemoryTokenCacheStore } from '../../packages/fastify-entra-bff/src/stores/token-cache-store.ts'
import { localBffConfig, readLocalTenantConnection } from '../../src/config/local-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { startTelemetry } from '../../src/lib/telemetry/telemetry.ts'
import { serveParent } from '../child-role.ts'

// Child process: the BFF exactly as the `local` profile configures it, with the default
// in-memory stores, kept reachable so the footprint of one session can be weighed; or, with
// BENCH_REDIS (the mixed load test: the REDIS_* variables of one topology, as JSON), one of
// several replicas sharing Redis, as in production.

const redis = process.env.BENCH_REDIS
  ? { ...JSON.parse(process.env.BENCH_REDIS), REDIS_KEY_PREFIX: process.env.BENCH_REDIS_KEY_PREFIX, SESSION_SECRETS: process.env.BENCH_SESSION_SECRETS, TOKEN_CACHE_KEYS: process.env.BENCH_TOKEN_CACHE_KEYS }
  : {}
const env = readEnv({ BFF_PORT: process.env.BENCH_BFF_PORT, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', PROFILE_SERVICE_URL: process.env.BENCH_SERVICE_URL, ...redis })
const config = {
  ...localBffConfig(env, readLocalTenantConnection(process.env.BENCH_TENANT_DATA_DIR!)),
  // Signing in the whole user pool goes through /auth/* from one address.
  authRateLimitPerMinute: 1_000_000,
}
// Off unless the parent passes OTEL_* variables (`--tracing`), as main.ts starts it.
const telemetry = await startTelemetry(process.env, ['bff'])
const sessions: NonNullable<ConstructorParameters<typeof session.MemoryStore>[0]> = new Map()
const tokenCaches = createMemoryTokenCacheStore()
const app = await buildBff(config, process.env.BENCH_REDIS ? {} : { sessionStore: new session.MemoryStore(sessions), tokenCaches })
await app.listen({ host: config.host, port: config.port })

serveParent({ url: config.publicOrigin }, {
  /** Bytes of one session as a store would serialise it (JSON), and of its token cache. */
  async footprint(payload: { cookieValue: string }) {
    const signed = decodeURIComponent(payload.cookieValue)
    const stored = sessions.get(signed.slice(0, signed.lastIndexOf('.')))
    if (!stored) throw new Error('no such session')
    const tokenCacheKey = stored.tokenCacheKey!
    const sessionJson = JSON.stringify(stored)
    return { sessionJson, sessionBytes: Buffer.byteLength(sessionJson), tokenCacheJson: await tokenCaches.get(tokenCacheKey), tokenCacheBytes: await tokenCaches.sizeOf(tokenCacheKey) }
  },
}, async () => {
  await app.close()
  await telemetry.shutdown()
})
