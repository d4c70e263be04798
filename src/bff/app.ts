import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import type { BffConfig } from '../config/types.ts'
import { createGraphClient } from '../lib/graph-client.ts'
import { createHttpAgent } from '../../packages/fastify-entra-bff/src/http-agent.ts'
import { loggerOptions } from '../lib/logger.ts'
import { requestIds } from '../lib/telemetry/request-id.ts'
import { instrumentRole, metricsExported } from '../lib/telemetry/telemetry.ts'
import { answerWithin, defaultServerTimeouts, withServerTimeouts } from '../lib/server-timeouts.ts'
import { tenantMetadataLoader } from '../../packages/fastify-entra-bff/src/tenant-metadata.ts'
import { createEditProfileClient } from './edit-profile-client.ts'
import { createIdentity } from '../../packages/fastify-entra-bff/src/identity.ts'
import { registerCachePolicy } from './plugins/cache-policy.ts'
import { DependencyFailure } from '../../packages/fastify-entra-bff/src/failures.ts'
import { observeActiveSessions } from '../../packages/fastify-entra-bff/src/metrics.ts'
import { registerErrorHandler, registerNotFoundPage } from './plugins/error-handler.ts'
import { registerRequestGuards, registerSecurityHeaders } from './plugins/security.ts'
import { registerSession } from '../../packages/fastify-entra-bff/src/session.ts'
import { registerStaticFiles, registerViews } from './plugins/views.ts'
import { authRoutes } from '../../packages/fastify-entra-bff/src/routes/auth.ts'
import { healthRoutes } from './routes/health.ts'
import { homeRoutes } from './routes/home.ts'
import { languageRoutes } from './routes/language.ts'
import { profileRoutes } from './routes/profile.ts'
import { sessionLifecycleRoutes } from '../../packages/fastify-entra-bff/src/routes/session-lifecycle.ts'
import { createSessionEnding } from '../../packages/fastify-entra-bff/src/session-ending.ts'
import type { BffStores } from '../../packages/fastify-entra-bff/src/stores/bff-stores.ts'
import { memoryLiveSessions } from '../../packages/fastify-entra-bff/src/stores/live-sessions.ts'
import { createMemorySessionStore } from '../../packages/fastify-entra-bff/src/stores/memory-session-store.ts'
import { createMemorySessionIndex } from '../../packages/fastify-entra-bff/src/stores/session-index.ts'
import { parseForm } from './form-body.ts'
import { createStepUp } from '../../packages/fastify-entra-bff/src/step-up.ts'
import { createMemorySessionLock, createMemoryTokenCacheStore } from '../../packages/fastify-entra-bff/src/stores/token-cache-store.ts'

// The BFF: pages and htmx fragments for sign-in, the profile and its inline editor. Tokens stay
// here, in each session's token cache; the browser gets an opaque session cookie.

export type { BffStores }

export async function buildBff(config: BffConfig, given: BffStores = {}): Promise<FastifyInstance> {
  const app = Fastify(withServerTimeouts({ logger: loggerOptions(config.logLevel, 'bff'), bodyLimit: 16 * 1024, trustProxy: config.trustProxy ?? false, genReqId: requestIds({ acceptClientRequestId: false, acceptTraceContext: false }) }, config.timeouts))
  await instrumentRole(app, 'bff')
  const countSessions = metricsExported()
  // With a Redis (REDIS_URL, a Cluster or Sentinels): sessions, token caches and locks shared by every replica.
  // Loaded only when used: the Redis client adds a quarter second to start-up.
  const redis = (config.session.redisUrl || config.session.redis) && !given.sessionStore
    ? await (await import('../../packages/fastify-entra-bff/src/stores/redis-stores.ts')).createRedisStores(config.session, app.log, { lockWaitMs: config.deadlines?.lockWaitMs, countLiveSessions: countSessions })
    : undefined
  if (redis) app.addHook('onClose', () => redis.close())
  const stores: BffStores = { ...redis, ...given, dependencies: { ...redis?.dependencies, ...given.dependencies } }
  const agent = createHttpAgent({ extraCaPem: config.tenant.extraCaPem })
  const metadata = tenantMetadataLoader(config.tenant.authority, agent)
  const identity = createIdentity({
    config, dispatcher: agent, metadata,
    tokenCaches: stores.tokenCaches ?? createMemoryTokenCacheStore(),
    locks: stores.locks ?? createMemorySessionLock(config.deadlines?.lockWaitMs),
  })

  app.addHook('onClose', async () => agent.close())
  metadata.get().catch((error) => app.log.warn({ err: error }, 'tenant metadata not loaded yet; will retry on demand'))

  // The store is named even in memory: front-channel logout ends sessions other than the caller's.
  const { store: sessionStore, sessions: memorySessions } = stores.sessionStore
    ? { store: stores.sessionStore, sessions: undefined }
    : createMemorySessionStore({ idleTimeoutMs: config.session.idleTimeoutMs })
  // A store given without its count (a test's, the bench's) reports none.
  const liveSessions = countSessions
    ? stores.liveSessions ?? (memorySessions ? memoryLiveSessions(memorySessions, { absoluteTimeoutMs: config.session.absoluteTimeoutMs, now: config.session.now }) : undefined)
    : undefined
  if (liveSessions) {
    const stopObserving = observeActiveSessions(liveSessions)
    app.addHook('onClose', async () => stopObserving())
  }
  const sessionIndex = stores.sessionIndex ?? createMemorySessionIndex()
  const forgetTokens = (key: string) => identity.forget(key)

  // The root context: what every response gets (headers, cache policy, deadline, templates, the
  // error handler). Its children, as Fastify's encapsulation intends: static files and probes
  // in one without the session, the pages in one with it (session, CSRF, rate limits).
  await registerSecurityHeaders(app, metadata)
  // Cookies are parsed for every response, error pages included: the language cookie picks their words.
  await app.register(cookie)
  registerCachePolicy(app)
  await registerViews(app, config.viewCache)
  registerErrorHandler(app, forgetTokens)
  answerWithin(app, (config.timeouts ?? defaultServerTimeouts).responseMs, () => new DependencyFailure('request-deadline'))

  await app.register(async function withoutSession(assets) {
    await registerStaticFiles(assets)
    healthRoutes(assets, {
      tenant: async () => (await metadata.get().then(() => undefined, () => 'metadata could not be loaded')),
      ...stores.dependencies,
    })
  })

  await app.register(async function withSession(pages) {
    await registerSession(pages, config.session, sessionStore, forgetTokens)
    await registerRequestGuards(pages, stores.rateLimitStore)
    await pages.register(formbody, { parser: parseForm })
    registerNotFoundPage(pages)
    const stepUp = createStepUp({ identity, serviceScopes: [config.profileService.scope] })
    homeRoutes(pages, identity)
    languageRoutes(pages, config.session)
    authRoutes(pages, config, { identity, sessionIndex, stepUp })
    sessionLifecycleRoutes(pages, config, { identity, metadata, ending: createSessionEnding({ store: sessionStore, index: sessionIndex, forgetTokens }) })
    profileRoutes(pages, config, {
      identity, stepUp,
      graph: createGraphClient({ baseUrl: config.graphBaseUrl, dispatcher: agent, timeoutMs: config.deadlines?.graphMs }),
      editProfile: createEditProfileClient({ baseUrl: config.profileService.baseUrl, dispatcher: agent, timeoutMs: config.deadlines?.profileServiceMs }),
    })
  })
  return app
}
