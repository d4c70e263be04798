import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BffConfig } from '../../config/types.ts'
import type { GraphClient } from '../../lib/graph-client.ts'
import { GraphError } from '../../lib/graph-client.ts'
import { editableFields, type ProfileDraft } from '../../lib/profile.ts'
import { validateProfile } from '../../lib/profile-rules.ts'
import { ClaimsChallengeError } from '../claims-challenge-error.ts'
import type { EditProfileClient, SaveOutcome } from '../edit-profile-client.ts'
import { editorFields, problemMessages, type FieldMessages } from '../editor-fields.ts'
import { answerFor, DependencyFailure } from '../failures.ts'
import { fromEditor, isHtmx, navigate, replaceUrl, retargetToEditorProblem } from '../htmx.ts'
import { SignInRequiredError, type Identity } from '../identity.ts'
import { bffMetrics } from '../metrics.ts'
import type { MessageId } from '../i18n/messages-en.ts'
import { renderFragment, renderPage, textsFor } from '../plugins/views.ts'
import { sameProfile, snapshotOf, type ProfileSnapshot } from '../profile-snapshot.ts'
import type { StepUp } from '../step-up.ts'
import { asClientRequestId } from '../../lib/telemetry/request-id.ts'

// The profile page, the inline editor (htmx fragments in #profile-panel), saving through the
// edit profile service, and the 401 step-up fragment when MFA is asked for. Every page also
// works without JavaScript: links and a plain form post.

const graphScopes = ['User.Read']

function fromGraph(error: GraphError): DependencyFailure {
  const failure = error.failure === 'timeout' ? 'graph-timeout'
    : error.status === 429 ? 'graph-throttled'
    : error.failure === 'unavailable' ? 'graph-unavailable' : 'graph-refused'
  return new DependencyFailure(failure, { cause: error, retryAfterSeconds: error.retryAfterSeconds })
}

export function profileRoutes(app: FastifyInstance, config: BffConfig, deps: { identity: Identity; graph: GraphClient; editProfile: EditProfileClient; stepUp: StepUp }) {
  const { identity, graph, editProfile, stepUp } = deps
  const serviceScopes = [config.profileService.scope]

  // A callback hook: an async one costs a promise on every page.
  const signedIn = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.session.user) return done()
    navigate(request, reply, `/auth/sign-in?returnTo=${encodeURIComponent(request.url)}`)
  }

  const token = async (request: FastifyRequest, scopes: string[], claims?: string) => {
    const { tokenCacheKey, user } = request.session
    // The signedIn hook admits only sessions that sign-in gave both.
    if (!tokenCacheKey || !user) throw new SignInRequiredError('the session has no signed-in user with a token cache')
    return identity.acquireSilent(tokenCacheKey, user.account, scopes, { correlationId: asClientRequestId(request.id), claims })
  }

  /** Answers with the step-up fragment (htmx) or starts the step-up (plain browser). */
  function askForStepUp(request: FastifyRequest, reply: FastifyReply, challenge: ClaimsChallengeError, draft?: FastifyRequest['session']['draft']) {
    stepUp.challenged(request.session, challenge, draft)
    if (!isHtmx(request)) return reply.redirect('/auth/step-up', 303)
    return renderFragment(reply.code(401), 'step-up', { csrfToken: reply.generateCsrf() })
  }

  /** The editor: just opened (focus on its first field), with messages (focus on their summary) or a problem. */
  function editor(request: FastifyRequest, reply: FastifyReply, status: number, values: Partial<ProfileDraft>, extra: { errors?: FieldMessages; problem?: string } = {}) {
    const supportId = extra.problem ? request.id : undefined
    if (extra.problem && isHtmx(request) && fromEditor(request)) {
      return renderFragment(retargetToEditorProblem(reply.code(status)), 'editor-error', { message: extra.problem, inEditor: true, supportId })
    }
    const hasErrors = Boolean(extra.errors && Object.keys(extra.errors).length > 0)
    const data = { fields: editorFields(textsFor(request).t, values, extra.errors, !hasErrors && !extra.problem), problem: extra.problem, supportId, hasErrors }
    reply.code(status)
    if (isHtmx(request)) return renderFragment(reply, 'profile-editor', { ...data, csrfToken: reply.generateCsrf() })
    return renderPage(request, reply, 'profile', { editing: true, profile: request.session.profile, ...data })
  }

  /** A failure the user can see, from the table, followed by what to do next; Retry-After when it says so. */
  function failureProblem(request: FastifyRequest, reply: FastifyReply, failure: DependencyFailure, advice: MessageId): { status: number; problem: string } {
    const { t } = textsFor(request)
    const { status, message, retryAfterSeconds } = answerFor(failure, t)
    bffMetrics.upstreamFailed(failure.failure)
    if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds))
    return { status, problem: `${message} ${t(advice, { kept: 'no' })}` }
  }

  async function loadProfile(request: FastifyRequest): Promise<ProfileSnapshot> {
    const { accessToken } = await token(request, graphScopes)
    const asGraphFailure = (error: unknown) => {
      throw error instanceof GraphError ? fromGraph(error) : error
    }
    const me = await graph.getMe(accessToken, request.id).catch(async (error) => {
      if (!(error instanceof GraphError) || !error.claims) return asGraphFailure(error)
      // CAE: Graph refuses a token issued before a critical event. msal asks the tenant for a new
      // one with Graph's claims; after a revocation that answers "sign in again" (error handler).
      const claims = error.claims
      const renewed = await stepUp.renewAfterCae(() => token(request, graphScopes, claims))
      return graph.getMe(renewed.accessToken, request.id).catch(asGraphFailure)
    })
    const profile = snapshotOf(me)
    // Only a change is written: an unchanged session is not saved again on every page view.
    if (!sameProfile(profile, request.session.profile)) request.session.profile = profile
    return profile
  }

  app.get('/profile', { preHandler: signedIn }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    const { t } = textsFor(request)
    const notice = request.session.notice ? t(request.session.notice) : undefined
    if (notice) request.session.notice = undefined
    const editing = (request.query as Record<string, string>).edit === '1'
    let profile: ProfileSnapshot
    try {
      profile = await loadProfile(request)
    } catch (error) {
      if (!(error instanceof DependencyFailure) || !error.failure.startsWith('graph-')) throw error
      request.log.warn({ failure: error.failure }, 'Graph /me failed')
      // The no-JS editor (and the landing after step-up) opens from what the session holds.
      if (editing && request.session.profile) {
        const { problem } = failureProblem(request, reply, error, 'error.editorFromSession')
        return renderPage(request, reply, 'profile', { profile: request.session.profile, notice: problem, editing: true, fields: editorFields(t, { ...request.session.profile, ...request.session.draft }) })
      }
      const { status, problem } = failureProblem(request, reply, error, 'error.tryAgainLater')
      return renderPage(request, reply.code(status), 'profile', { loadProblem: problem, supportId: request.id })
    }
    if (!editing) return renderPage(request, reply, 'profile', { profile, notice })
    const values = { ...profile, ...request.session.draft }
    try {
      await token(request, serviceScopes)
    } catch (error) {
      if (!(error instanceof ClaimsChallengeError)) throw error
      stepUp.challenged(request.session, error)
      return renderPage(request, reply, 'profile', { profile, notice, stepUp: true })
    }
    return renderPage(request, reply, 'profile', { profile, notice, editing: true, fields: editorFields(t, values, {}, true) })
  })

  app.get('/profile/editor', { preHandler: signedIn }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    if (!isHtmx(request)) return reply.redirect('/profile?edit=1', 302)
    try {
      await token(request, serviceScopes)
    } catch (error) {
      if (error instanceof ClaimsChallengeError) return askForStepUp(request, reply, error)
      throw error
    }
    const profile = request.session.profile ?? (await loadProfile(request))
    return editor(request, reply, 200, { ...profile, ...request.session.draft })
  })

  // Cancel drops the draft: a POST with the CSRF token, so no cross-site link can discard it.
  app.post('/profile/cancel', { preHandler: signedIn, preValidation: app.csrfProtection }, async (request, reply) => {
    request.session.draft = undefined
    if (!isHtmx(request)) return reply.redirect('/profile', 303)
    const profile = request.session.profile ?? (await loadProfile(request))
    // The editor is closed: the address says so (no ?edit=1 left from a step-up landing), and
    // the focus goes back to the Edit button that opened it.
    return renderFragment(replaceUrl(reply, '/profile'), 'profile-card', { profile, focusEdit: true })
  })

  async function save(request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Record<string, unknown>
    const { values, problems } = validateProfile(Object.fromEntries(editableFields.map((name) => [name, body[name] ?? ''])))
    // The draft is kept server-side until it is saved: it survives step-up and failures.
    request.session.draft = values
    if (Object.keys(problems).length > 0) return editor(request, reply, 422, values, { errors: problemMessages(textsFor(request).t, problems) })

    const saveWith = (accessToken: string) => editProfile.save(accessToken, request.id, values)
    let outcome: SaveOutcome
    try {
      outcome = await saveWith((await token(request, serviceScopes)).accessToken).catch(async (error) => {
        if (!(error instanceof ClaimsChallengeError) || error.needsUser) throw error
        // CAE relayed by the service (Graph or on-behalf-of refused a token older than a
        // revocation): one silent try with its claims, then the save once more.
        const renewed = await stepUp.renewAfterCae(() => token(request, serviceScopes, error.claims))
        return saveWith(renewed.accessToken)
      })
    } catch (error) {
      // Step-up (the tenant's or the service's challenge) or no service token (a failure);
      // sign-in-again goes to the error handler.
      if (error instanceof ClaimsChallengeError) return askForStepUp(request, reply, error, values)
      if (!(error instanceof DependencyFailure)) throw error
      request.log.warn({ failure: error.failure }, 'token for the edit profile service failed')
      const { status, problem } = failureProblem(request, reply, error, 'error.valuesKept')
      return editor(request, reply, status, values, { problem })
    }
    switch (outcome.kind) {
      case 'saved':
        request.session.draft = undefined
        request.session.profile = snapshotOf(outcome.profile)
        if (!isHtmx(request)) {
          request.session.notice = 'notice.saved'
          return reply.redirect('/profile', 303)
        }
        return renderFragment(replaceUrl(reply, '/profile'), 'profile-card', { profile: request.session.profile, notice: textsFor(request).t('notice.saved') })
      case 'invalid':
        return editor(request, reply, 422, values, { errors: outcome.errors, problem: Object.keys(outcome.errors).length === 0 ? outcome.message : undefined })
      default: {
        request.log.warn({ failure: outcome.failure, status: outcome.status }, 'edit profile service failed')
        const { status, problem } = failureProblem(request, reply, new DependencyFailure(outcome.failure), 'error.valuesKept')
        return editor(request, reply, status, values, { problem })
      }
    }
  }

  app.patch('/profile', { preHandler: signedIn, preValidation: app.csrfProtection }, save)
  app.post('/profile', { preHandler: signedIn, preValidation: app.csrfProtection }, save)
}
