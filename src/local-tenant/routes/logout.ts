import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TenantContext } from '../context.ts'
import { sessionCookie } from '../flow.ts'

// The end-session endpoint (GET and POST): ends the tenant session and its refresh tokens,
// then returns to a registered post-logout URI or shows a signed-out page.

export function logoutRoutes(app: FastifyInstance, context: TenantContext) {
  async function logout(request: FastifyRequest, reply: FastifyReply) {
    const source = (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined
    const postLogout = typeof source?.post_logout_redirect_uri === 'string' ? source.post_logout_redirect_uri : undefined
    const allowed = Object.values(context.tenant.apps).some((registration) => registration.postLogoutRedirectUris.includes(postLogout ?? ''))
    if (postLogout && !allowed) {
      return reply.code(400).view('local-tenant/error.hbs', { message: `AADSTS50011: The post-logout redirect URI '${postLogout}' is not registered for any application.` })
    }
    const sessionId = request.cookies[sessionCookie]
    if (sessionId) {
      context.state.sessions.delete(sessionId)
      for (const [token, record] of context.state.refreshTokens) if (record.sessionId === sessionId) context.state.refreshTokens.delete(token)
    }
    reply.clearCookie(sessionCookie, { path: '/' })
    if (postLogout) {
      const url = new URL(postLogout)
      const state = typeof source?.state === 'string' ? source.state : undefined
      if (state) url.searchParams.set('state', state)
      return reply.redirect(url.toString(), 302)
    }
    return reply.view('local-tenant/signed-out.hbs', {})
  }
  app.get('/:tenant/oauth2/v2.0/logout', logout)
  app.post('/:tenant/oauth2/v2.0/logout', logout)
}
