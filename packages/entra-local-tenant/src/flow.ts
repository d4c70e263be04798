import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TenantContext } from './context.ts'
import type { Interaction, TenantSession } from './state.ts'

// The sign-in interaction: which page comes next, and finally the code back to the app.

export const sessionCookie = 'lt_session'
const interactionLifetimeSeconds = 30 * 60
const codeLifetimeSeconds = 5 * 60

export function tenantSession(context: TenantContext, request: FastifyRequest, reply: FastifyReply): TenantSession {
  const id = request.cookies[sessionCookie]
  const existing = id ? context.state.sessions.get(id) : undefined
  if (existing) return existing
  const session: TenantSession = { id: context.state.newSecret(), sid: context.state.newId(), amr: [], clientIds: new Set() }
  context.state.sessions.set(session.id, session)
  reply.setCookie(sessionCookie, session.id, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https' })
  return session
}

/** The interaction a form posted, if it belongs to this browser and has not expired. */
export function findInteraction(context: TenantContext, request: FastifyRequest, id: unknown): Interaction | undefined {
  const interaction = typeof id === 'string' ? context.state.interactions.get(id) : undefined
  if (!interaction || interaction.expiresAt < context.state.now()) return undefined
  if (interaction.sessionId !== request.cookies[sessionCookie]) return undefined
  return interaction
}

export function newInteraction(context: TenantContext, session: TenantSession, request: Interaction['request']): Interaction {
  const interaction: Interaction = {
    id: context.state.newSecret(), sessionId: session.id, request, step: 'email', needsMfa: false, codesSent: 0,
    expiresAt: context.state.now() + interactionLifetimeSeconds,
  }
  context.state.interactions.set(interaction.id, interaction)
  return interaction
}

/**
 * Mails a code for this pending sign-in (or sign-up) and only for it: a code sent to another
 * browser's sign-in for the same address does not replace it. False when a limit is reached:
 * resends per sign-in, or codes per address per hour.
 */
export function sendOneTimeCode(context: TenantContext, request: FastifyRequest, interaction: Interaction, purpose: string): boolean {
  const to = interaction.email
  if (!to) throw new Error('a one-time code is sent only once the interaction knows the email address')
  const { mfaCodeLifetimeSeconds, mfaCodeAttempts, oneTimeCodeResendsPerSignIn, oneTimeCodesPerHour } = context.tenant.settings
  if (interaction.codesSent > oneTimeCodeResendsPerSignIn) return false
  if (!context.state.allowCodeTo(to, oneTimeCodesPerHour)) return false
  interaction.codesSent += 1
  const code = context.state.newOneTimeCode()
  context.state.oneTimeCodes.set(`${purpose}:${interaction.id}`, { code, expiresAt: context.state.now() + mfaCodeLifetimeSeconds, attemptsLeft: mfaCodeAttempts })
  context.state.mailbox.unshift({ to, code, purpose, sentAt: new Date().toISOString() })
  context.state.mailbox.length = Math.min(context.state.mailbox.length, 100)
  // The dev mailbox: the code is meant to be read here (and on /mailbox).
  request.log.info(`Mailbox: ${purpose} code ${code} sent to ${to}`)
  return true
}

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'exhausted'

export function checkOneTimeCode(context: TenantContext, interaction: Interaction, purpose: string, entered: string): CodeCheck {
  const key = `${purpose}:${interaction.id}`
  const record = context.state.oneTimeCodes.get(key)
  if (!record || record.expiresAt < context.state.now()) return 'expired'
  if (record.attemptsLeft <= 0) return 'exhausted'
  if (record.code !== entered.trim()) {
    record.attemptsLeft -= 1
    return record.attemptsLeft <= 0 ? 'exhausted' : 'wrong'
  }
  context.state.oneTimeCodes.delete(key)
  return 'ok'
}

/** Back to the app with `code` (or an OAuth error): a 302 for query mode, a self-posting form for form_post. */
export function returnToApp(reply: FastifyReply, request: Pick<Interaction['request'], 'redirectUri' | 'responseMode' | 'state'>, params: Record<string, string>) {
  const all: Record<string, string> = { ...params, ...(request.state !== undefined ? { state: request.state } : {}) }
  if (request.responseMode === 'form_post') {
    return reply.type('text/html').view('form-post.hbs', { action: request.redirectUri, fields: Object.entries(all).map(([name, value]) => ({ name, value })) })
  }
  const url = new URL(request.redirectUri)
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value)
  return reply.redirect(url.toString(), 302)
}

export const tooManyCodes = 'You have asked for too many codes. Wait a while, then try again.'

/** Who signed in to a tenant session, and when: the flow continues only after a sign-in set both. */
function signedIn(session: TenantSession): { userId: string; authTime: number } {
  const { userId, authTime } = session
  if (userId === undefined || authTime === undefined) throw new Error('the tenant session has no signed-in user')
  return { userId, authTime }
}

export function issueCode(context: TenantContext, reply: FastifyReply, interaction: Interaction, session: TenantSession) {
  const { userId, authTime } = signedIn(session)
  context.state.interactions.delete(interaction.id)
  for (const purpose of ['mfa', 'sign-up']) context.state.oneTimeCodes.delete(`${purpose}:${interaction.id}`)
  const code = context.state.newSecret()
  session.clientIds.add(interaction.request.clientId)
  context.state.codes.set(code, {
    request: interaction.request, userId, sessionId: session.sid, authTime,
    amr: [...session.amr], mfaAt: session.mfaAt, emailOtp: session.emailOtp, expiresAt: context.state.now() + codeLifetimeSeconds,
  })
  return returnToApp(reply, interaction.request, { code })
}

/** Signed in: either the second factor is still needed (the policy or the requested claims), or the code. */
export function continueSignedIn(context: TenantContext, request: FastifyRequest, reply: FastifyReply, interaction: Interaction, session: TenantSession) {
  const user = context.directory.byId(signedIn(session).userId)
  if (!user) throw new Error('the signed-in user is no longer in the directory')
  const decision = context.access.decide(user.id, interaction.request.scopes.resource.appId, session, interaction.request.claims)
  if (decision.challenge) {
    if (interaction.request.prompt === 'none') {
      context.state.interactions.delete(interaction.id)
      return returnToApp(reply, interaction.request, { error: 'interaction_required', error_description: 'AADSTS50076: Multi-factor authentication is required.' })
    }
    interaction.step = 'mfa'
    interaction.userId = user.id
    interaction.email = user.email
    if (!sendOneTimeCode(context, request, interaction, 'mfa')) {
      return reply.code(429).view('mfa.hbs', { interaction: interaction.id, email: user.email, error: tooManyCodes })
    }
    return reply.view('mfa.hbs', { interaction: interaction.id, email: user.email })
  }
  return issueCode(context, reply, interaction, session)
}
