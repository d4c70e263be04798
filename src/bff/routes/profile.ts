import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { BffConfig } from '../../config/types.ts'
import type { GraphClient, GraphProfile } from '../../lib/graph-client.ts'
import { GraphError } from '../../lib/graph-client.ts'
import { asksForNewerToken } from '../../lib/claims-challenge.ts'
import { fieldNames, validateProfile, type ProfileDraft, type ProfileField } from '../../lib/profile-rules.ts'
import type { EditProfileClient, ServiceProfile } from '../edit-profile-client.ts'
import { editorFields } from '../editor-fields.ts'
import { answerFor, DependencyFailure } from '../failures.ts'
import { fromEditor, isHtmx, navigate, retargetToEditorProblem } from '../htmx.ts'
import { StepUpRequiredError, type Identity } from '../identity.ts'
import { renderFragment, renderPage } from '../plugins/views.ts'
import type { ProfileSnapshot } from '../session-data.ts'

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

function snapshotOf(profile: GraphProfile | ServiceProfile): ProfileSnapshot {
  return { id: profile.id, displayName: profile.displayName ?? '', givenName: profile.givenName ?? '', surname: profile.surname ?? '', mail: profile.mail ?? '' }
}

export function profileRoutes(app: FastifyInstance, config: BffConfig, deps: { identity: Identity; graph: GraphClient; editProfile: EditProfileClient }) {
  const { identity, graph, editProfile } = deps
  const serviceScopes = [config.profileService.scope]

  const signedIn = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.session.user) return navigate(request, reply, `/auth/sign-in?returnTo=${encodeURIComponent(request.url)}`)
  }

  const token = (request: FastifyRequest, scopes: string[], claims?: string) =>
    identity.acquireSilent(request.session.tokenCacheKey!, request.session.user!.account, scopes, claims)

  /** Answers with the step-up fragment (htmx) or starts the step-up (plain browser). */
  function stepUp(request: FastifyRequest, reply: FastifyReply, claims: string) {
    request.session.stepUpClaims = claims
    if (!isHtmx(request)) return reply.redirect('/auth/step-up', 303)
    return renderFragment(reply.code(401), 'step-up', { csrfToken: reply.generateCsrf() })
  }

  function editor(request: FastifyRequest, reply: FastifyReply, status: number, values: Partial<ProfileDraft>, extra: { errors?: Partial<Record<ProfileField, string>>; problem?: string } = {}) {
    const supportId = extra.problem ? request.id : undefined
    if (extra.problem && isHtmx(request) && fromEditor(request)) {
      return renderFragment(retargetToEditorProblem(reply.code(status)), 'editor-error', { message: extra.problem, inEditor: true, supportId })
    }
    const data = { fields: editorFields(values, extra.errors), problem: extra.problem, supportId, hasErrors: Boolean(extra.errors && Object.keys(extra.errors).length > 0) }
    reply.code(status)
    if (isHtmx(request)) return renderFragment(reply, 'profile-editor', { ...data, csrfToken: reply.generateCsrf() })
    return renderPage(request, reply, 'profile', { editing: true, profile: request.session.profile, ...data })
  }

  /** A failure the user can see, from the table; Retry-After when it says so. */
  function failureProblem(reply: FastifyReply, failure: DependencyFailure, kept: string): { status: number; problem: string } {
    const { status, message, retryAfterSeconds } = answerFor(failure)
    if (retryAfterSeconds) reply.header('retry-after', String(retryAfterSeconds))
    return { status, problem: `${message} ${kept}` }
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
      const renewed = await token(request, graphScopes, error.claims)
      return graph.getMe(renewed.accessToken, request.id).catch(asGraphFailure)
    })
    const profile = snapshotOf(me)
    // Only a change is written: an unchanged session is not saved again on every page view.
    if (JSON.stringify(profile) !== JSON.stringify(request.session.profile)) request.session.profile = profile
    return profile
  }

  app.get('/profile', { preHandler: signedIn }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    const notice = request.session.notice
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
        const { problem } = failureProblem(reply, error, 'The editor shows your profile as last loaded.')
        return renderPage(request, reply, 'profile', { profile: request.session.profile, notice: problem, editing: true, fields: editorFields({ ...request.session.profile, ...request.session.draft }) })
      }
      const { status, problem } = failureProblem(reply, error, 'Try again in a moment.')
      return renderPage(request, reply.code(status), 'profile', { loadProblem: problem, supportId: request.id })
    }
    if (!editing) return renderPage(request, reply, 'profile', { profile, notice })
    const values = { ...profile, ...request.session.draft }
    try {
      await token(request, serviceScopes)
    } catch (error) {
      if (!(error instanceof StepUpRequiredError)) throw error
      request.session.stepUpClaims = error.claims
      return renderPage(request, reply, 'profile', { profile, notice, stepUp: true })
    }
    return renderPage(request, reply, 'profile', { profile, notice, editing: true, fields: editorFields(values) })
  })

  app.get('/profile/editor', { preHandler: signedIn }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    if (!isHtmx(request)) return reply.redirect('/profile?edit=1', 302)
    try {
      await token(request, serviceScopes)
    } catch (error) {
      if (error instanceof StepUpRequiredError) return stepUp(request, reply, error.claims)
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
    return renderFragment(reply, 'profile-card', { profile })
  })

  async function save(request: FastifyRequest, reply: FastifyReply) {
    const body = (request.body ?? {}) as Record<string, unknown>
    const { values, errors } = validateProfile(Object.fromEntries(fieldNames.map((name) => [name, body[name] ?? ''])))
    // The draft is kept server-side until it is saved: it survives step-up and failures.
    request.session.draft = values
    if (Object.keys(errors).length > 0) return editor(request, reply, 422, values, { errors })

    /** The service token, or the answer when there is none (step-up, a failure); sign-in-again goes to the error handler. */
    const serviceToken = async (claims?: string): Promise<{ accessToken: string } | { answered: unknown }> => {
      try {
        return { accessToken: (await token(request, serviceScopes, claims)).accessToken }
      } catch (error) {
        if (error instanceof StepUpRequiredError) return { answered: await stepUp(request, reply, error.claims) }
        if (!(error instanceof DependencyFailure)) throw error
        request.log.warn({ failure: error.failure }, 'token for the edit profile service failed')
        const { status, problem } = failureProblem(reply, error, 'Your values are kept.')
        return { answered: await editor(request, reply, status, values, { problem }) }
      }
    }
    let given = await serviceToken()
    if ('answered' in given) return given.answered
    let outcome = await editProfile.save(given.accessToken, request.id, values)
    if (outcome.kind === 'step-up' && asksForNewerToken(outcome.claims)) {
      // CAE relayed by the service (Graph or on-behalf-of refused a token older than a
      // revocation): one silent try with its claims, then the save once more.
      given = await serviceToken(outcome.claims)
      if ('answered' in given) return given.answered
      outcome = await editProfile.save(given.accessToken, request.id, values)
    }
    switch (outcome.kind) {
      case 'saved':
        request.session.draft = undefined
        request.session.profile = snapshotOf(outcome.profile)
        if (!isHtmx(request)) {
          request.session.notice = 'Your profile was saved.'
          return reply.redirect('/profile', 303)
        }
        return renderFragment(reply, 'profile-card', { profile: request.session.profile, notice: 'Your profile was saved.' })
      case 'invalid':
        return editor(request, reply, 422, values, { errors: outcome.errors, problem: Object.keys(outcome.errors).length === 0 ? outcome.message : undefined })
      case 'step-up':
        return stepUp(request, reply, outcome.claims)
      default: {
        request.log.warn({ failure: outcome.failure, status: outcome.status }, 'edit profile service failed')
        const { status, problem } = failureProblem(reply, new DependencyFailure(outcome.failure), 'Your values are kept.')
        return editor(request, reply, status, values, { problem })
      }
    }
  }

  app.patch('/profile', { preHandler: signedIn, preValidation: app.csrfProtection }, save)
  app.post('/profile', { preHandler: signedIn, preValidation: app.csrfProtection }, save)
}
