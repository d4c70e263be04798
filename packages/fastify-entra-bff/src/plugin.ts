import { randomUUID } from 'node:crypto'
import csrf from '@fastify/csrf-protection'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { defaultHooks } from './answers.ts'
import { ClaimsChallengeError } from './claims-challenge-error.ts'
import type { EntraBffContext } from './context.ts'
import { createHttpAgent } from './http-agent.ts'
import { createIdentity, SignInRequiredError } from './identity.ts'
import { observeActiveSessions } from './metrics.ts'
import { resolveOptions } from './options.ts'
import { decorateDrafts } from './drafts.ts'
import { requireAuthOnRoutes, type RouteAuth } from './route-auth.ts'
import { authRoutes } from './routes/auth.ts'
import { sessionLifecycleRoutes } from './routes/session-lifecycle.ts'
import { registerSession } from './session.ts'
import { createSessionEnding } from './session-ending.ts'
import { createSignInAgain, keptThroughSignIn } from './sign-in-again.ts'
import { createStepUp, type StepUpRequest } from './step-up.ts'
import { memoryLiveSessions } from './stores/live-sessions.ts'
import { createMemorySessionStore } from './stores/memory-session-store.ts'
import { createMemorySessionIndex } from './stores/session-index.ts'
import { createMemorySessionLock, createMemoryTokenCacheStore } from './stores/token-cache-store.ts'
import { tenantMetadataLoader } from './tenant-metadata.ts'
import type { DependencyCheck } from './stores/bff-stores.ts'
import type { EntraBffOptions } from './types.ts'

// The plugin: sign-in and its routes, the session and its CSRF tokens, tokens kept server-side,
// and MFA step-up with the user's drafts kept. Registered with fastify-plugin, so the session and
// the decorators belong to the context that registers it (e.g. the pages, not the static files).

/** What the plugin shares with the app outside its context (health checks, the security headers). */
export interface EntraBffInstance {
  /** Whether the tenant's metadata loads: a health check. */
  tenantCheck: DependencyCheck
  /** Ends the session's tokens (its token cache and the in-process copy). */
  forgetTokens(tokenCacheKey: string): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    entraBff: EntraBffInstance
  }
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    /** The signed-in user, or undefined. */
    readonly user: import('./session-data.ts').SignedInUser | undefined
    /** The claims of the session's ID token, read from its token cache (never kept in the session). */
    idTokenClaims(): Promise<Record<string, unknown>>
    /** An access token for `scopes` from the session's cache, refreshed when needed (under the session's lock). */
    accessToken(scopes: string[], options?: { claims?: string }): Promise<string>
    /**
     * Calls a resource with a token for `scopes`. When it answers with a CAE claims challenge
     * (`ClaimsChallengeError`, source 'cae'), a new token is asked for silently and the call made
     * once more; a challenge that needs the user is thrown (answer it with `reply.stepUp`).
     */
    withAccessToken<T>(scopes: string[], call: (accessToken: string) => Promise<T>): Promise<T>
    /** Records a challenge that needs the user, without answering: a page then links to the step-up route. */
    rememberStepUp(challenge: ClaimsChallengeError, request?: StepUpRequest): void
    /** A draft kept by `keepDraft`, or undefined. */
    draft<N extends keyof import('fastify').EntraBffDrafts>(name: N): import('fastify').EntraBffDrafts[N] | undefined
    /** Keeps what the user typed, server-side, through step-up, sign-in again and failures; `returnTo` shows it again. */
    keepDraft<N extends keyof import('fastify').EntraBffDrafts>(name: N, value: import('fastify').EntraBffDrafts[N], options?: { returnTo?: string }): void
    dropDraft(name: keyof import('fastify').EntraBffDrafts): void
  }
  interface FastifyReply {
    /** Asks the user for the step-up `challenge` demands: the htmx fragment (401) or a redirect to the step-up route. */
    stepUp(challenge: ClaimsChallengeError, request?: StepUpRequest): FastifyReply
    /** The session can no longer get tokens: signs it out (drafts kept) and sends the user to sign in again. */
    signInAgain(reason?: string): Promise<FastifyReply>
  }
}

async function entraBff(app: FastifyInstance, given: EntraBffOptions) {
  const options = resolveOptions(given)
  const stores = given.stores ?? {}
  const dispatcher = given.dispatcher ?? createHttpAgent({ extraCaPem: options.tenant.extraCaPem })
  if (!given.dispatcher) app.addHook('onClose', async () => dispatcher.close())
  const metadata = given.tenantMetadata ?? tenantMetadataLoader(options.tenant.authority, dispatcher)
  const identity = createIdentity({
    tenant: options.tenant, clientId: options.clientId, credential: options.credential,
    redirectUri: options.redirectUri, postLogoutRedirectUri: options.postLogoutRedirectUri,
    clientCapabilities: options.clientCapabilities, cacheTtlMs: options.session.absoluteTimeoutMs, tokenWaitMs: options.deadlines.tokenWaitMs,
    dispatcher, metadata,
    tokenCaches: stores.tokenCaches ?? createMemoryTokenCacheStore(),
    locks: stores.locks ?? createMemorySessionLock(options.deadlines.lockWaitMs),
  })
  const forgetTokens = (key: string) => identity.forget(key)

  // The store is named even in memory: front-channel logout ends sessions other than the caller's.
  const { store: sessionStore, sessions: memorySessions } = stores.sessionStore
    ? { store: stores.sessionStore, sessions: undefined }
    : createMemorySessionStore({ idleTimeoutMs: options.session.idleTimeoutMs })
  // A store given without its count (a test's, the bench's) reports none.
  const liveSessions = stores.liveSessions ?? (memorySessions ? memoryLiveSessions(memorySessions, { absoluteTimeoutMs: options.session.absoluteTimeoutMs, now: options.session.now }) : undefined)
  if (liveSessions) {
    const stopObserving = observeActiveSessions(liveSessions)
    app.addHook('onClose', async () => stopObserving())
  }
  const sessionIndex = stores.sessionIndex ?? createMemorySessionIndex()

  const prefix = options.routePrefix
  const hooks = { ...defaultHooks, ...options.hooks }
  const context: EntraBffContext = {
    options, identity, metadata, sessionIndex,
    stepUp: createStepUp({
      identity, defaultScopes: options.signInScopes, defaultReturnTo: options.afterStepUp, stepUpPath: `${prefix}/step-up`, fragment: hooks.stepUpFragment,
    }),
    ending: createSessionEnding({ store: sessionStore, index: sessionIndex, forgetTokens }),
    paths: {
      signIn: `${prefix}/sign-in`, signUp: `${prefix}/sign-up`, stepUp: `${prefix}/step-up`, signOut: `${prefix}/sign-out`,
      signOutEverywhere: `${prefix}/sign-out-everywhere`, frontChannelLogout: `${prefix}/front-channel-logout`,
    },
    signInFailed: (request, reply, status, reason, detail) => hooks.signInFailed(request, reply.code(status), { reason, detail }),
    clientRequestId: (request) => options.hooks.clientRequestId?.(request) ?? randomUUID(),
    kept: keptThroughSignIn(options.session.keep),
  }
  const { stepUp, paths } = context
  const signInUrl = (returnTo: string) => `${paths.signIn}?returnTo=${encodeURIComponent(returnTo)}`
  const signInAgain = createSignInAgain({ forgetTokens, kept: context.kept, signedOutLanding: options.signedOutLanding, signInUrl, fragment: hooks.signInAgainFragment })

  await registerSession(app, options.session, sessionStore, forgetTokens)
  // CSRF tokens live in the session: every form that changes something carries one (csrf-form.ts).
  await app.register(csrf, { sessionPlugin: '@fastify/session' })

  app.decorate('entraBff', {
    tenantCheck: async () => metadata.get().then(() => undefined, () => 'metadata could not be loaded'),
    forgetTokens,
  } satisfies EntraBffInstance)

  app.decorateRequest('user', { getter(this: FastifyRequest) { return this.session?.user } })

  async function accessToken(request: FastifyRequest, scopes: string[], claims?: string) {
    const { tokenCacheKey, user } = request.session
    if (!tokenCacheKey || !user) throw new SignInRequiredError('the session has no signed-in user with a token cache')
    return (await identity.acquireSilent(tokenCacheKey, user.account, scopes, { correlationId: context.clientRequestId(request), claims })).accessToken
  }
  app.decorateRequest('idTokenClaims', async function (this: FastifyRequest) {
    const { tokenCacheKey, user } = this.session
    // Sign-in sets both: a user without a token cache has nothing to show.
    if (!tokenCacheKey || !user) throw new SignInRequiredError('the session has no token cache')
    const claims = await identity.idTokenClaims(tokenCacheKey, user.account.homeAccountId)
    if (!claims) throw new SignInRequiredError('the token cache holds no ID token for this session')
    return claims
  })
  app.decorateRequest('accessToken', function (this: FastifyRequest, scopes: string[], tokenOptions: { claims?: string } = {}) {
    return accessToken(this, scopes, tokenOptions.claims)
  })
  app.decorateRequest('withAccessToken', async function <T>(this: FastifyRequest, scopes: string[], call: (token: string) => Promise<T>): Promise<T> {
    return call(await accessToken(this, scopes)).catch(async (error: unknown) => {
      if (!(error instanceof ClaimsChallengeError) || error.needsUser) throw error
      // CAE: the resource refused a token older than a revocation. One silent try with its claims.
      const renewed = await stepUp.renewAfterCae(() => accessToken(this, scopes, error.claims))
      return call(renewed)
    })
  })
  app.decorateRequest('rememberStepUp', function (this: FastifyRequest, challenge: ClaimsChallengeError, stepUpRequest: StepUpRequest = {}) {
    stepUp.challenged(this.session, challenge, stepUpRequest)
  })
  decorateDrafts(app)

  app.decorateReply('stepUp', function (this: FastifyReply, challenge: ClaimsChallengeError, stepUpRequest: StepUpRequest = {}) {
    return stepUp.ask(this, challenge, stepUpRequest)
  })
  app.decorateReply('signInAgain', function (this: FastifyReply, reason = 'the session can no longer get tokens') {
    return signInAgain(this, reason)
  })

  requireAuthOnRoutes(app, { signInUrl, accessToken })

  authRoutes(app, context)
  sessionLifecycleRoutes(app, context)
}

export default fp(entraBff, { name: 'fastify-entra-bff', fastify: '5.x' })
