import { randomUUID } from 'node:crypto'
import type { AuthenticationResult } from '@azure/msal-node'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { XStatic } from 'typebox/schema'
import type { EntraBffContext } from '../context.ts'
import { csrfProtectedForm } from '../csrf-form.ts'
import { baseSignInScopes, type Identity } from '../identity.ts'
import { safeReturnTo } from '../return-to.ts'
import type { PendingAuthorization } from '../session-data.ts'
import { bindTokenCache } from '../stores/token-cache-binding.ts'

// Sign in, sign up, step up, the redirect back, and sign out.

// What each route reads from its URL or body; anything else there is ignored. A value of the
// wrong shape (a repeated parameter, an over-long returnTo) is a 400 validation error.
const returnToQuery = { type: 'object', properties: { returnTo: { type: 'string', maxLength: 2048 } } } as const
const redirectQuery = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    state: { type: 'string' },
    error: { type: 'string' },
    error_description: { type: 'string' },
  },
} as const

export function authRoutes(app: FastifyInstance, context: EntraBffContext) {
  const { options, identity, stepUp, sessionIndex, paths, signInFailed } = context
  const { hooks } = options
  const limited = { config: { rateLimit: { max: options.authRateLimitPerMinute, timeWindow: '1 minute' } } }
  const signInScopes = [...baseSignInScopes, ...options.signInScopes]

  async function startAuthorization(request: FastifyRequest, reply: FastifyReply, authorization: Parameters<Identity['authorizationUrl']>[0]) {
    // The tenant's pages speak the user's language too (ui_locales).
    const { url, pending } = await identity.authorizationUrl({ ...authorization, uiLocales: hooks.uiLocales?.(request) })
    request.session.pendingAuthorization = pending
    return reply.redirect(url, 302)
  }

  app.get<{ Querystring: XStatic<typeof returnToQuery> }>(paths.signIn, { ...limited, schema: { querystring: returnToQuery } }, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.returnTo)
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo, scopes: signInScopes })
  })

  app.get(paths.signUp, limited, async (request, reply) => {
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo: '/', scopes: signInScopes, prompt: 'create' })
  })

  app.get(paths.stepUp, limited, async (request, reply) => {
    if (!request.session.user) return reply.redirect(`${paths.signIn}?returnTo=${encodeURIComponent(request.session.stepUpReturnTo ?? options.afterStepUp)}`, 302)
    // Claims come only from the challenge stored server-side, never from this URL.
    return reply.redirect(await stepUp.begin(request.session, hooks.uiLocales?.(request)), 302)
  })

  app.get<{ Querystring: XStatic<typeof redirectQuery> }>(options.redirectPath, { ...limited, schema: { querystring: redirectQuery } }, async (request, reply) => {
    const { query } = request
    const pending: PendingAuthorization | undefined = request.session.pendingAuthorization
    request.session.pendingAuthorization = undefined // single use, whatever happens next
    if (!pending || typeof query.state !== 'string' || query.state !== pending.state || pending.expiresAt < Date.now()) {
      return signInFailed(request, reply, 400, 'expired')
    }
    if (query.error) {
      if (pending.purpose === 'step-up') {
        stepUp.cancelled(pending)
        return reply.redirect(hooks.stepUpEnded?.(request, { outcome: 'cancelled', returnTo: pending.returnTo }) ?? pending.returnTo, 302)
      }
      return signInFailed(request, reply, 400, 'tenant-reported', query.error_description ?? query.error)
    }
    if (typeof query.code !== 'string' || query.code.length === 0) return signInFailed(request, reply, 400, 'no-code')

    const previous = request.session.user
    const cacheKey = pending.purpose === 'step-up' && request.session.tokenCacheKey ? request.session.tokenCacheKey : randomUUID()
    let result: AuthenticationResult
    try {
      result = await identity.redeemCode(cacheKey, query.code, pending, context.clientRequestId(request))
    } catch (error) {
      request.log.warn({ code: (error as { errorCode?: string }).errorCode ?? (error as Error).name }, 'authorization code was not redeemed')
      if (pending.purpose !== 'step-up') return signInFailed(request, reply, 400, 'not-completed')
      const { status, reason } = stepUp.notRedeemed(request.session, pending, error)
      return signInFailed(request, reply, status, reason)
    }
    const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>
    if (pending.purpose === 'step-up') {
      const refusal = await stepUp.verify(request.session, pending, result, cacheKey)
      if (refusal) return signInFailed(request, reply, refusal.status, refusal.reason)
    } else if (request.session.tokenCacheKey && request.session.tokenCacheKey !== cacheKey) {
      await identity.forget(request.session.tokenCacheKey)
    }
    // msal returns the account with every code it redeems; without one there is nobody to sign in.
    const { account } = result
    if (!account) return signInFailed(request, reply, 400, 'not-completed')
    // A new session id at every privilege change (sign-in, step-up): no fixation. The drafts and
    // the app's kept keys stay.
    await request.session.regenerate(context.kept)
    request.session.createdAt = (options.session.now ?? Date.now)()
    const { homeAccountId, environment, tenantId, localAccountId, username } = account
    const oid = typeof claims.oid === 'string' ? claims.oid : localAccountId
    const sid = typeof claims.sid === 'string' ? claims.sid : previous?.sid
    request.session.user = {
      account: { homeAccountId, environment, tenantId, localAccountId, username },
      name: account.name ?? username,
      oid, sid,
    }
    // Bound to the new session id and this user: copied into another session it opens nothing.
    bindTokenCache(request.session, cacheKey, options.session.secrets)
    // Found again by front-channel logout (sid) and "sign out of every device" (oid).
    const lifetime = options.session.absoluteTimeoutMs
    await sessionIndex.add('oid', oid, request.session.sessionId, lifetime)
    if (sid) await sessionIndex.add('sid', sid, request.session.sessionId, lifetime)
    if (pending.purpose === 'step-up') {
      stepUp.completed(pending)
      return reply.redirect(hooks.stepUpEnded?.(request, { outcome: 'completed', returnTo: pending.returnTo }) ?? pending.returnTo, 302)
    }
    return reply.redirect(pending.returnTo, 302)
  })

  app.post(paths.signOut, { ...limited, ...csrfProtectedForm(app) }, async (request, reply) => {
    const { tokenCacheKey, user } = request.session
    if (tokenCacheKey) await identity.forget(tokenCacheKey)
    await request.session.destroy()
    return reply.redirect(await identity.endSessionUrl(user?.account.username), 303)
  })
}
