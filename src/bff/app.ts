import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import entraBff, { createHttpAgent, DependencyFailure, tenantMetadataLoader, type EntraBffInstance, type EntraBffStores } from 'fastify-entra-bff'
import type { BffConfig } from '../config/types.ts'
import { createGraphClient } from '../lib/graph-client.ts'
import { loggerOptions } from '../lib/logger.ts'
import { requestIds, asClientRequestId } from '../lib/telemetry/request-id.ts'
import { instrumentRole, metricsExported } from '../lib/telemetry/telemetry.ts'
import { answerWithin, defaultServerTimeouts, withServerTimeouts } from '../lib/server-timeouts.ts'
import { createEditProfileClient } from './edit-profile-client.ts'
import { entraBffHooks, keptSessionKeys } from './auth-answers.ts'
import { registerCachePolicy } from './plugins/cache-policy.ts'
import { registerErrorHandler, registerNotFoundPage } from './plugins/error-handler.ts'
import { registerRouteSchemas } from './plugins/route-schemas.ts'
import { registerRequestGuards, registerSecurityHeaders } from './plugins/security.ts'
import { registerStaticFiles, registerViews } from './plugins/views.ts'
import { healthRoutes } from './routes/health.ts'
import { homeRoutes } from './routes/home.ts'
import { languageRoutes } from './routes/language.ts'
import { profileRoutes } from './routes/profile.ts'
import { parseForm } from './form-body.ts'
import type {} from './session-data.ts'

// The BFF: pages and htmx fragments for sign-in, the profile and its inline editor. Sign-in,
// tokens, sessions and step-up are fastify-entra-bff's (packages/fastify-entra-bff): tokens stay
// server-side, and the browser gets an opaque session cookie.

export type { EntraBffStores }

export async function buildBff(config: BffConfig, given: EntraBffStores = {}): Promise<FastifyInstance> {
  const app = Fastify(withServerTimeouts({ logger: loggerOptions(config.logLevel, 'bff'), bodyLimit: 16 * 1024, trustProxy: config.trustProxy ?? false, genReqId: requestIds({ acceptClientRequestId: false, acceptTraceContext: false }) }, config.timeouts))
  await instrumentRole(app, 'bff')
  registerRouteSchemas(app)
  const countSessions = metricsExported()
  // With a Redis (REDIS_URL, a Cluster or Sentinels): sessions, token caches and locks shared by every replica.
  // Loaded only when used: the Redis client adds a quarter second to start-up.
  const redis = (config.session.redisUrl || config.session.redis) && !given.sessionStore
    ? await (await import('fastify-entra-bff/redis')).createRedisStores(config.session, app.log, { lockWaitMs: config.deadlines?.lockWaitMs, commandTimeoutMs: config.deadlines?.storeCommandMs, countLiveSessions: countSessions })
    : undefined
  if (redis) app.addHook('onClose', () => redis.close())
  const stores: EntraBffStores = { ...redis, ...given, dependencies: { ...redis?.dependencies, ...given.dependencies } }
  // One agent and one tenant metadata loader for the plugin, Graph, the edit profile service and the security headers.
  const agent = createHttpAgent({ extraCaPem: config.tenant.extraCaPem })
  const metadata = tenantMetadataLoader(config.tenant.authority, agent)
  app.addHook('onClose', async () => agent.close())

  // The root context: what every response gets (headers, cache policy, deadline, templates, the
  // error handler). Its children, as Fastify's encapsulation intends: the pages in one with the
  // session (fastify-entra-bff, rate limits), static files and probes in one without it.
  const tenantBeforeFirstPage = registerSecurityHeaders(app, metadata)
  // Cookies are parsed for every response, error pages included: the language cookie picks their words.
  await app.register(cookie)
  registerCachePolicy(app)
  await registerViews(app, config.viewCache)
  registerErrorHandler(app)
  answerWithin(app, (config.timeouts ?? defaultServerTimeouts).responseMs, () => new DependencyFailure('request-deadline'))

  let entra: EntraBffInstance | undefined
  await app.register(async function withSession(pages) {
    pages.addHook('onRequest', tenantBeforeFirstPage)
    await registerRequestGuards(pages, redis?.rateLimitStore)
    await pages.register(entraBff, {
      tenant: config.tenant, clientId: config.clientId, credential: config.credential, publicOrigin: config.publicOrigin,
      redirectPath: new URL(config.redirectUri).pathname, postLogoutRedirect: config.postLogoutRedirectUri,
      signInScopes: ['User.Read'], afterStepUp: '/profile?edit=1',
      session: { ...config.session, keep: keptSessionKeys },
      stores, dispatcher: agent, tenantMetadata: metadata,
      deadlines: { tokenWaitMs: config.deadlines?.tokenWaitMs, lockWaitMs: config.deadlines?.lockWaitMs },
      authRateLimitPerMinute: config.authRateLimitPerMinute,
      hooks: { ...entraBffHooks, clientRequestId: (request) => asClientRequestId(request.id) },
    })
    entra = pages.entraBff
    await pages.register(formbody, { parser: parseForm })
    registerNotFoundPage(pages)
    homeRoutes(pages)
    languageRoutes(pages, config.session)
    profileRoutes(pages, config, {
      graph: createGraphClient({ baseUrl: config.graphBaseUrl, dispatcher: agent, timeoutMs: config.deadlines?.graphMs }),
      editProfile: createEditProfileClient({ baseUrl: config.profileService.baseUrl, dispatcher: agent, timeoutMs: config.deadlines?.profileServiceMs }),
    })
  })

  await app.register(async function withoutSession(assets) {
    await registerStaticFiles(assets)
    healthRoutes(assets, { ...(entra ? { tenant: entra.tenantCheck } : {}), ...stores.dependencies })
  })
  return app
}
