import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TenantContext } from '../context.ts'
import { checkOneTimeCode, continueSignedIn, findInteraction, issueCode, sendOneTimeCode, tenantSession, tooManyCodes } from '../flow.ts'
import { passwordProblem } from '../password-rules.ts'
import type { Interaction } from '../state.ts'

// The sign-in and sign-up pages: plain HTML forms, one step each. Every form carries the
// interaction id, which must belong to this browser's tenant session cookie.

const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/

type Body = Record<string, unknown>
const field = (body: Body, name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : '')

export function signInPageRoutes(app: FastifyInstance, context: TenantContext) {
  const { directory, state, tenant } = context

  function withInteraction(handler: (request: FastifyRequest, reply: FastifyReply, interaction: Interaction, body: Body) => unknown) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const body = (request.body ?? {}) as Body
      const interaction = findInteraction(context, request, body.interaction ?? (request.query as Body)?.interaction)
      if (!interaction) {
        return reply.code(400).view('error.hbs', { message: 'This sign-in page has expired. Go back to the application and sign in again.' })
      }
      return handler(request, reply, interaction, body)
    }
  }

  const signIn = (request: FastifyRequest, reply: FastifyReply, interaction: Interaction, userId: string, amr: string[], emailOtp = false) => {
    const session = tenantSession(context, request, reply)
    const now = state.now()
    Object.assign(session, { userId, authTime: now, amr, mfaAt: amr.includes('mfa') ? now : undefined, emailOtp })
    return continueSignedIn(context, request, reply, interaction, session)
  }

  app.post('/login/select-account', withInteraction((request, reply, interaction, body) => {
    if (interaction.step !== 'select-account') return reply.code(400).view('error.hbs', { message: 'This sign-in page has expired. Go back to the application and sign in again.' })
    const session = tenantSession(context, request, reply)
    const current = session.userId ? directory.byId(session.userId) : undefined
    if (field(body, 'account') === 'current' && current) return continueSignedIn(context, request, reply, interaction, session)
    interaction.step = 'email'
    return reply.view('email.hbs', { interaction: interaction.id, email: '' })
  }))

  app.post('/login/email', withInteraction((_request, reply, interaction, body) => {
    const email = field(body, 'email').trim().toLowerCase()
    if (!emailPattern.test(email)) {
      return reply.code(400).view('email.hbs', { interaction: interaction.id, email, error: 'Enter a valid email address.' })
    }
    if (!directory.byEmail(email)) {
      return reply.code(400).view('email.hbs', { interaction: interaction.id, email, error: "We couldn't find an account with that email address." })
    }
    interaction.step = 'password'
    interaction.email = email
    return reply.view('password.hbs', { interaction: interaction.id, email })
  }))

  app.post('/login/password', withInteraction((request, reply, interaction, body) => {
    const user = interaction.step === 'password' && interaction.email ? directory.byEmail(interaction.email) : undefined
    if (!user) return reply.code(400).view('email.hbs', { interaction: interaction.id, error: 'Enter your email address first.' })
    const failures = state.passwordFailures.get(user.email) ?? { count: 0, lockedUntil: 0 }
    const page = (error: string) => reply.code(400).view('password.hbs', { interaction: interaction.id, email: user.email, error })
    if (failures.lockedUntil > state.now()) return page('Your account is temporarily locked to prevent unauthorized use. Try again later.')
    if (!directory.verifyPassword(user, field(body, 'password'))) {
      failures.count += 1
      if (failures.count >= tenant.settings.passwordAttemptsBeforeLockout) {
        failures.lockedUntil = state.now() + tenant.settings.lockoutSeconds
        failures.count = 0
      }
      state.passwordFailures.set(user.email, failures)
      return page('Your password is incorrect.')
    }
    state.passwordFailures.delete(user.email)
    return signIn(request, reply, interaction, user.id, ['pwd'])
  }))

  app.post('/login/mfa', withInteraction((request, reply, interaction, body) => {
    if (interaction.step !== 'mfa' || !interaction.email || !interaction.userId) {
      return reply.code(400).view('error.hbs', { message: 'No verification code was asked for. Go back to the application and sign in again.' })
    }
    const result = checkOneTimeCode(context, interaction, 'mfa', field(body, 'code'))
    const page = (error: string) => reply.code(400).view('mfa.hbs', { interaction: interaction.id, email: interaction.email, error })
    if (result === 'wrong') return page('That code is incorrect. Check the code and try again.')
    if (result === 'expired') return page('That code has expired. Select "Send a new code".')
    if (result === 'exhausted') return page('Too many incorrect codes. Select "Send a new code".')
    const session = tenantSession(context, request, reply)
    const now = state.now()
    Object.assign(session, { userId: interaction.userId, amr: ['pwd', 'mfa'], mfaAt: now, authTime: session.authTime ?? now, emailOtp: true })
    return issueCode(context, reply, interaction, session)
  }))

  app.post('/login/mfa/resend', withInteraction((request, reply, interaction) => {
    if (interaction.step !== 'mfa' || !interaction.email) return reply.code(400).view('error.hbs', { message: 'No verification code was asked for.' })
    if (!sendOneTimeCode(context, request, interaction, 'mfa')) {
      return reply.code(429).view('mfa.hbs', { interaction: interaction.id, email: interaction.email, error: tooManyCodes })
    }
    return reply.view('mfa.hbs', { interaction: interaction.id, email: interaction.email, notice: 'We sent a new code.' })
  }))

  app.get('/login/signup', withInteraction((_request, reply, interaction) => {
    interaction.step = 'signup-email'
    return reply.view('signup-email.hbs', { interaction: interaction.id })
  }))

  app.post('/login/signup/email', withInteraction((request, reply, interaction, body) => {
    const email = field(body, 'email').trim().toLowerCase()
    const page = (error: string) => reply.code(400).view('signup-email.hbs', { interaction: interaction.id, email, error })
    if (!emailPattern.test(email)) return page('Enter a valid email address.')
    if (directory.byEmail(email)) return page('An account with this email address already exists. Sign in instead.')
    interaction.step = 'signup-code'
    interaction.email = email
    if (!sendOneTimeCode(context, request, interaction, 'sign-up')) {
      return reply.code(429).view('signup-email.hbs', { interaction: interaction.id, email, error: tooManyCodes })
    }
    return reply.view('signup-code.hbs', { interaction: interaction.id, email })
  }))

  app.post('/login/signup/code', withInteraction((_request, reply, interaction, body) => {
    if (interaction.step !== 'signup-code' || !interaction.email) return reply.code(400).view('error.hbs', { message: 'Start the sign-up again.' })
    const result = checkOneTimeCode(context, interaction, 'sign-up', field(body, 'code'))
    if (result !== 'ok') {
      return reply.code(400).view('signup-code.hbs', { interaction: interaction.id, email: interaction.email, error: result === 'wrong' ? 'That code is incorrect.' : 'That code can no longer be used. Start the sign-up again.' })
    }
    interaction.step = 'signup-details'
    return reply.view('signup-details.hbs', { interaction: interaction.id, email: interaction.email })
  }))

  app.post('/login/signup/details', withInteraction((request, reply, interaction, body) => {
    if (interaction.step !== 'signup-details' || !interaction.email) return reply.code(400).view('error.hbs', { message: 'Start the sign-up again.' })
    const password = field(body, 'password')
    const displayName = field(body, 'displayName').trim()
    const page = (error: string) => reply.code(400).view('signup-details.hbs', { interaction: interaction.id, email: interaction.email, displayName, error })
    const problem = passwordProblem(password)
    if (problem) return page(problem)
    if (displayName.length < 1 || displayName.length > 256) return page('Enter a display name (up to 256 characters).')
    if (directory.byEmail(interaction.email)) return page('An account with this email address already exists.')
    const user = directory.create({ email: interaction.email, password, displayName })
    return signIn(request, reply, interaction, user.id, ['pwd'], true)
  }))
}
