import { randomUUID } from 'node:crypto'
import { InteractionRequiredAuthError } from '@azure/msal-node'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BffConfig } from '../../config/types.ts'
import { signInScopes, type Identity } from '../identity.ts'
import { renderPage } from '../plugins/views.ts'
import { safeReturnTo } from '../return-to.ts'
import type { PendingAuthorization } from '../session-data.ts'
import type { SessionIndex } from '../session-index.ts'

// Sign in, sign up, step up, the redirect back, and sign out.

const stillNeedsSecondFactor = 'The verification was not accepted: the sign-in service still asks for a second factor. Your changes are kept; select Edit to try again.'

interface RedirectQuery { code?: string; state?: string; error?: string; error_description?: string }

function failedSignIn(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  return renderPage(request, reply.code(status), 'error', { title: 'Sign-in did not complete', message, supportId: request.id, retry: true })
}

export function authRoutes(app: FastifyInstance, config: BffConfig, identity: Identity, sessionIndex: SessionIndex) {
  const limited = { config: { rateLimit: { max: config.authRateLimitPerMinute ?? 60, timeWindow: '1 minute' } } }

  async function startAuthorization(request: FastifyRequest, reply: FastifyReply, options: Parameters<Identity['authorizationUrl']>[0]) {
    const { url, pending } = await identity.authorizationUrl(options)
    request.session.pendingAuthorization = pending
    return reply.redirect(url, 302)
  }

  app.get('/auth/sign-in', limited, async (request, reply) => {
    const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo)
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo, scopes: signInScopes })
  })

  app.get('/auth/sign-up', limited, async (request, reply) => {
    return startAuthorization(request, reply, { purpose: 'sign-in', returnTo: '/', scopes: signInScopes, prompt: 'create' })
  })

  app.get('/auth/step-up', limited, async (request, reply) => {
    const { user, stepUpClaims } = request.session
    if (!user) return reply.redirect('/auth/sign-in?returnTo=%2Fprofile', 302)
    // Claims come only from the challenge stored server-side, never from this URL.
    return startAuthorization(request, reply, {
      purpose: 'step-up', returnTo: '/profile?edit=1', scopes: [config.profileService.scope], claims: stepUpClaims, loginHint: user.username,
    })
  })

  app.get('/auth/redirect', limited, async (request, reply) => {
    const query = request.query as RedirectQuery
    const pending: PendingAuthorization | undefined = request.session.pendingAuthorization
    request.session.pendingAuthorization = undefined // single use, whatever happens next
    if (!pending || typeof query.state !== 'string' || query.state !== pending.state || pending.expiresAt < Date.now()) {
      return failedSignIn(request, reply, 400, 'This sign-in response has expired or was already used. Sign in again.')
    }
    if (query.error) {
      if (pending.purpose === 'step-up') {
        request.session.notice = 'Verification was not completed. Your changes are kept; select Edit to try again.'
        return reply.redirect('/profile', 302)
      }
      return failedSignIn(request, reply, 400, `The sign-in service reported: ${query.error_description ?? query.error}`)
    }
    if (typeof query.code !== 'string' || query.code.length === 0) return failedSignIn(request, reply, 400, 'The sign-in response has no authorization code.')

    const previous = request.session.user
    const cacheKey = pending.purpose === 'step-up' && request.session.tokenCacheKey ? request.session.tokenCacheKey : randomUUID()
    let result
    try {
      result = await identity.redeemCode(cacheKey, query.code, pending)
    } catch (error) {
      request.log.warn({ code: (error as { errorCode?: string }).errorCode }, 'authorization code was not redeemed')
      if (pending.purpose === 'step-up' && error instanceof InteractionRequiredAuthError && error.claims) {
        // The tenant answered the redemption with a new challenge: no second factor counted.
        request.session.stepUpClaims = error.claims
        return failedSignIn(request, reply, 403, stillNeedsSecondFactor)
      }
      return failedSignIn(request, reply, 400, 'The sign-in could not be completed. Sign in again.')
    }
    const claims = (result.idTokenClaims ?? {}) as Record<string, unknown>
    if (pending.purpose === 'step-up') {
      if (!previous || result.account?.homeAccountId !== previous.homeAccountId) {
        await identity.forget(cacheKey)
        await request.session.destroy()
        return failedSignIn(request, reply, 403, 'The verification was done by a different account. Sign in again.')
      }
      // MFA evidence without `amr`, which Entra's v2.0 ID tokens do not carry: the redemption
      // asked for the service token with the challenge's claims and the tenant issued it, which
      // its Conditional Access (or authentication context) allows only after a second factor.
      // With no stored challenge nothing was asked, so nothing is proven. Where the ID token does
      // list `amr` (v1.0 tokens) it must name "mfa" too. /profile?edit=1 then asks for the
      // service token silently, and a tenant still unsatisfied answers with the step-up again.
      if (pending.claims === undefined || (Array.isArray(claims.amr) && !claims.amr.includes('mfa'))) {
        return failedSignIn(request, reply, 403, 'The verification did not include a second factor. Try again.')
      }
    } else if (request.session.tokenCacheKey && request.session.tokenCacheKey !== cacheKey) {
      await identity.forget(request.session.tokenCacheKey)
    }
    // A new session id at every privilege change (sign-in, step-up): no fixation. The draft stays.
    await request.session.regenerate(['draft'])
    request.session.createdAt = Date.now()
    request.session.tokenCacheKey = cacheKey
    const { homeAccountId, environment, tenantId, localAccountId, username } = result.account!
    const oid = typeof claims.oid === 'string' ? claims.oid : localAccountId
    const sid = typeof claims.sid === 'string' ? claims.sid : previous?.sid
    request.session.user = {
      account: { homeAccountId, environment, tenantId, localAccountId, username },
      homeAccountId: result.account!.homeAccountId,
      username: result.account!.username,
      name: result.account!.name ?? result.account!.username,
      oid, sid,
    }
    // Found again by front-channel logout (sid) and "sign out of every device" (oid).
    const lifetime = config.session.absoluteTimeoutMs
    await sessionIndex.add('oid', oid, request.session.sessionId, lifetime)
    if (sid) await sessionIndex.add('sid', sid, request.session.sessionId, lifetime)
    if (pending.purpose === 'step-up') request.session.notice = 'Thanks, you are verified.'
    return reply.redirect(pending.returnTo, 302)
  })

  app.post('/auth/sign-out', { ...limited, preValidation: app.csrfProtection }, async (request, reply) => {
    const { tokenCacheKey, user } = request.session
    if (tokenCacheKey) await identity.forget(tokenCacheKey)
    await request.session.destroy()
    return reply.redirect(await identity.endSessionUrl(user?.username), 303)
  })
}
