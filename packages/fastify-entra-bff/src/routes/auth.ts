import { randomUUID } from 'node:crypto'
import type { AuthenticationResult } from '@azure/msal-node'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import type { BffConfig } from '../../../../src/config/types.ts'
import { csrfProtectedForm } from '../../../../src/bff/csrf-form.ts'
import { signInScopes, type Identity } from '../identity.ts'
import type { MessageId } from '../../../../src/bff/i18n/messages-en.ts'
import { renderPage, textsFor } from '../../../../src/bff/plugins/views.ts'
import { safeReturnTo } from '../return-to.ts'
import type { PendingAuthorization } from '../session-data.ts'
import { asClientRequestId } from '../../../../src/lib/telemetry/request-id.ts'
import type { SessionIndex } from '../stores/session-index.ts'
import { bindTokenCache } from '../stores/token-cache-binding.ts'
import type { StepUp } from '../step-up.ts'

// Sign in, sign up, step up, the redirect back, and sign out.

// What each route reads from its URL or body; anything else there is ignored. A value of the
// wrong shape (a repeated parameter, an over-long returnTo) gets our 400 page (error-handler.ts).
const returnToQuery = Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 2048 })) })
const redirectQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
})

function failedSignIn(request: FastifyRequest, reply: FastifyReply, status: number, messageId: MessageId, values?: Record<string, string>) {
  const { t } = textsFor(request)
  return renderPage(request, reply.code(status), 'error', { title: t('signIn.failed'), message: t(messageId, values), supportId: request.id, retry: true })
}

export function authRoutes(app: FastifyInstance, config: BffConfig, deps: { identity: Identity; sessionIndex: SessionIndex; stepUp: StepUp }) {
  const { identity, sessionIndex, stepUp } = deps
  const limited = { config: { rateLimit: { max: config.authRateLimitPerMinute ?? 60, timeWindow: '1 minute' } } }

  async function startAuthorization(request: FastifyRequest, reply: FastifyReply, options: Parameters<Identity['authorizationUrl']>[0]) {
    // The tenant's pages speak the user's language too (ui_locales).
    const { url, pending } = await identity.authorizationUrl({ ...options, uiLocales: textsFor(request).language })
    request.session.pendingAuthorization = pending
    return reply.redirect(url, 302)
  }

  app.get<{ Querystring: Static<typeof returnToQuery> }>('/auth/sign-in', { ...limited, schema: { querystring: returnToQuery } }, async (request, reply) => {
    const returnTo = safeReturnTo(request.query.returnTo)
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo, scopes: signInScopes })
  })

  app.get('/auth/sign-up', limited, async (request, reply) => {
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo: '/', scopes: signInScopes, prompt: 'create' })
  })

  app.get('/auth/step-up', limited, async (request, reply) => {
    if (!request.session.user) return reply.redirect('/auth/sign-in?returnTo=%2Fprofile', 302)
    // Claims come only from the challenge stored server-side, never from this URL.
    return reply.redirect(await stepUp.begin(request.session, textsFor(request).language), 302)
  })

  app.get<{ Querystring: Static<typeof redirectQuery> }>('/auth/redirect', { ...limited, schema: { querystring: redirectQuery } }, async (request, reply) => {
    const { query } = request
    const pending: PendingAuthorization | undefined = request.session.pendingAuthorization
    request.session.pendingAuthorization = undefined // single use, whatever happens next
    if (!pending || typeof query.state !== 'string' || query.state !== pending.state || pending.expiresAt < Date.now()) {
      return failedSignIn(request, reply, 400, 'signIn.expired')
    }
    if (query.error) {
      if (pending.purpose === 'step-up') {
        stepUp.cancelled(request.session, pending)
        return reply.redirect('/profile', 302)
      }
      return failedSignIn(request, reply, 400, 'signIn.tenantReported', { detail: query.error_description ?? query.error })
    }
    if (typeof query.code !== 'string' || query.code.length === 0) return failedSignIn(request, reply, 400, 'signIn.noCode')

    const previous = request.session.user
    const cacheKey = pending.purpose === 'step-up' && request.session.tokenCacheKey ? request.session.tokenCacheKey : randomUUID()
    let result: AuthenticationResult
    try {
      result = await identity.redeemCode(cacheKey, query.code, pending, asClientRequestId(request.id))
    } catch (error) {
      request.log.warn({ code: (error as { errorCode?: string }).errorCode ?? (error as Error).name }, 'authorization code was not redeemed')
      if (pending.purpose !== 'step-up') return failedSignIn(request, reply, 400, 'signIn.notCompleted')
      const { status, messageId } = stepUp.notRedeemed(request.session, pending, error)
      return failedSignIn(request, reply, status, messageId)
    }
    const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>
    if (pending.purpose === 'step-up') {
      const refusal = await stepUp.verify(request.session, pending, result, cacheKey)
      if (refusal) return failedSignIn(request, reply, refusal.status, refusal.messageId)
    } else if (request.session.tokenCacheKey && request.session.tokenCacheKey !== cacheKey) {
      await identity.forget(request.session.tokenCacheKey)
    }
    // msal returns the account with every code it redeems; without one there is nobody to sign in.
    const { account } = result
    if (!account) return failedSignIn(request, reply, 400, 'signIn.notCompleted')
    // A new session id at every privilege change (sign-in, step-up): no fixation. The draft and the
    // picked language stay.
    await request.session.regenerate(['draft', 'editorBase', 'language'])
    request.session.createdAt = (config.session.now ?? Date.now)()
    const { homeAccountId, environment, tenantId, localAccountId, username } = account
    const oid = typeof claims.oid === 'string' ? claims.oid : localAccountId
    const sid = typeof claims.sid === 'string' ? claims.sid : previous?.sid
    request.session.user = {
      account: { homeAccountId, environment, tenantId, localAccountId, username },
      name: account.name ?? username,
      oid, sid,
    }
    // Bound to the new session id and this user: copied into another session it opens nothing.
    bindTokenCache(request.session, cacheKey, config.session.secrets)
    // Found again by front-channel logout (sid) and "sign out of every device" (oid).
    const lifetime = config.session.absoluteTimeoutMs
    await sessionIndex.add('oid', oid, request.session.sessionId, lifetime)
    if (sid) await sessionIndex.add('sid', sid, request.session.sessionId, lifetime)
    if (pending.purpose === 'step-up') stepUp.completed(request.session, pending)
    return reply.redirect(pending.returnTo, 302)
  })

  app.post('/auth/sign-out', { ...limited, ...csrfProtectedForm(app) }, async (request, reply) => {
    const { tokenCacheKey, user } = request.session
    if (tokenCacheKey) await identity.forget(tokenCacheKey)
    await request.session.destroy()
    return reply.redirect(await identity.endSessionUrl(user?.account.username), 303)
  })
}
