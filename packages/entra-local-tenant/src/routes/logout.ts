import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TenantContext } from '../context.ts'
import { sessionCookie } from '../flow.ts'
import { allowFrames } from '../page-security.ts'
import { isRegisteredPostLogoutUri } from '../redirect-uris.ts'
import type { TenantSession } from '../state.ts'

// The end-session endpoint (GET and POST): ends the tenant's browser session, signs out every
// app that signed in under it (front channel: a hidden iframe per app's registered front-channel
// logout URL, with `?sid=` only, as Entra sends it), then returns to a registered post-logout URI
// or shows a signed-out page. Refresh tokens of confidential clients stay valid, as in Entra
// ("Single sign-out: Stays alive", refresh-tokens.md "Token revocation").

/** The front-channel logout URL of each app that has a session under this tenant session. */
function frontChannelUrls(context: TenantContext, session: TenantSession | undefined): string[] {
  if (!session) return []
  return [...session.clientIds].flatMap((clientId) => {
    const registered = context.app(clientId)?.frontChannelLogoutUrl
    if (!registered) return []
    const url = new URL(registered)
    url.searchParams.set('sid', session.sid)
    return [url.toString()]
  })
}

export function logoutRoutes(app: FastifyInstance, context: TenantContext) {
  async function logout(request: FastifyRequest, reply: FastifyReply) {
    const source = (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined
    const postLogout = typeof source?.post_logout_redirect_uri === 'string' ? source.post_logout_redirect_uri : undefined
    const clientId = typeof source?.client_id === 'string' ? source.client_id : undefined
    const named = clientId ? context.app(clientId) : undefined
    const apps = named ? [named] : Object.values(context.tenant.apps)
    if (postLogout && !isRegisteredPostLogoutUri(apps, postLogout)) {
      return reply.code(400).view('error.hbs', { message: `AADSTS50011: The post-logout redirect URI '${postLogout}' does not match the redirect URIs configured for the application.` })
    }
    const sessionId = request.cookies[sessionCookie]
    const frames = frontChannelUrls(context, sessionId ? context.state.sessions.get(sessionId) : undefined)
    if (sessionId) context.state.sessions.delete(sessionId)
    reply.clearCookie(sessionCookie, { path: '/' })
    let continueTo: string | undefined
    if (postLogout) {
      const url = new URL(postLogout)
      const state = typeof source?.state === 'string' ? source.state : undefined
      if (state) url.searchParams.set('state', state)
      continueTo = url.toString()
      if (frames.length === 0) return reply.redirect(continueTo, 302)
    }
    if (frames.length > 0) allowFrames(reply, frames)
    return reply.header('cache-control', 'no-store').view('signed-out.hbs', { frames, continueTo, title: 'Signed out' })
  }
  // The v1 path too: the v1 discovery document names it (discovery.ts).
  for (const path of ['/:tenant/oauth2/v2.0/logout', '/:tenant/oauth2/logout']) {
    app.get(path, logout)
    app.post(path, logout)
  }
}
