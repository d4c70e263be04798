import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { XStatic } from 'typebox/schema'
import type { BffConfig } from '../../config/types.ts'
import type { GraphClient } from '../../lib/graph-client.ts'
import { GraphError } from '../../lib/graph-client.ts'
import { editableFields, type EditableField, type ProfileDraft } from '../../lib/profile.ts'
import { validateProfile } from '../../lib/profile-rules.ts'
import { bffMetrics, ClaimsChallengeError, DependencyFailure } from 'fastify-entra-bff'
import type { EditProfileClient, SaveOutcome } from '../edit-profile-client.ts'
import { conflictChoices, editorFields, problemMessages, submittedValues, type FieldMessages } from '../editor-fields.ts'
import { unreadableFields } from '../form-body.ts'
import { changedFields, editableValues, patchFor, sameValues } from '../profile-changes.ts'
import { answerFor } from '../failure-answers.ts'
import { fromEditor, isHtmx, replaceUrl, retargetToEditorProblem } from '../htmx.ts'
import type { MessageId } from '../i18n/messages-en.ts'
import { renderFragment, renderPage, textsFor } from '../plugins/views.ts'
import { sameProfile, snapshotOf, type ProfileSnapshot } from '../profile-snapshot.ts'

// The profile page, the inline editor (htmx fragments in #profile-panel), saving through the
// edit profile service, and the 401 step-up fragment when MFA is asked for. Every page also
// works without JavaScript: links and a plain form post.

const graphScopes = ['User.Read']

/** The profile page with the editor open: where a step-up or sign-in again with a draft comes back. */
const editorAddress = '/profile?edit=1'

/** `?edit=1` opens the editor in the page (no JavaScript, and the landing after step-up). */
const profileQuery = { type: 'object', properties: { edit: { type: 'string' } } } as const

/**
 * A save, from htmx or a plain form. Field values stay `unknown` here: the profile rules word a
 * wrong type ("must be text") in the user's language, which a schema error would not.
 * `keep-<field>`: the choice in a 409's resolution ("yours" or "saved").
 */
const saveBody = {
  type: 'object',
  properties: {
    _csrf: {},
    ...Object.fromEntries(editableFields.flatMap((name) => [[name, {}], [`keep-${name}`, {}]])),
  },
} as const
type SaveBody = Record<string, unknown>

const isEditableField = (name: string): name is EditableField => (editableFields as readonly string[]).includes(name)

function fromGraph(error: GraphError): DependencyFailure {
  const failure = error.failure === 'timeout' ? 'graph-timeout'
    : error.status === 429 ? 'graph-throttled'
    : error.failure === 'unavailable' ? 'graph-unavailable' : 'graph-refused'
  return new DependencyFailure(failure, { cause: error, retryAfterSeconds: error.retryAfterSeconds })
}

export function profileRoutes(app: FastifyInstance, config: BffConfig, deps: { graph: GraphClient; editProfile: EditProfileClient }) {
  const { graph, editProfile } = deps
  const serviceScopes = [config.profileService.scope]
  /** Every profile route needs a signed-in user (fastify-entra-bff sends others to sign in, back here). */
  const signedIn = { auth: 'required' } as const
  /** The edit profile service's step-up: for its token, back to the editor with the draft. */
  const serviceStepUp = { scopes: serviceScopes, returnTo: editorAddress }

  /** The editor: just opened (focus on its first field), with messages (focus on their summary) or a problem. */
  function editor(request: FastifyRequest, reply: FastifyReply, status: number, values: Partial<ProfileDraft>, extra: { errors?: FieldMessages; problem?: string; conflicts?: Partial<Record<EditableField, string>> } = {}) {
    const supportId = extra.problem ? request.id : undefined
    if (extra.problem && isHtmx(request) && fromEditor(request)) {
      return renderFragment(retargetToEditorProblem(reply.code(status)), 'editor-error', { message: extra.problem, inEditor: true, supportId })
    }
    const hasErrors = Boolean(extra.errors && Object.keys(extra.errors).length > 0)
    const { t } = textsFor(request)
    const conflicts = extra.conflicts ? conflictChoices(t, extra.conflicts, values) : undefined
    const data = { fields: editorFields(t, values, extra.errors, !hasErrors && !extra.problem && !conflicts), problem: extra.problem, supportId, hasErrors, conflicts }
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
    // CAE: Graph refuses a token issued before a critical event. fastify-entra-bff asks the tenant
    // for a new one with Graph's claims and calls once more; after a revocation the tenant answers
    // "sign in again" (the error handler). A second refusal is Graph's failure.
    let calls = 0
    const me = await request.withAccessToken(graphScopes, (accessToken) => graph.getMe(accessToken, request.id).catch((error: unknown) => {
      calls += 1
      if (error instanceof GraphError && error.claims && calls === 1) throw new ClaimsChallengeError(error.claims, 'cae')
      throw error instanceof GraphError ? fromGraph(error) : error
    }))
    const profile = snapshotOf(me)
    // Only a change is written: an unchanged session is not saved again on every page view.
    if (!sameProfile(profile, request.session.profile)) request.session.profile = profile
    return profile
  }

  /**
   * The editor opens: it remembers the values it shows, unless a draft waits with its own base
   * (after step-up, a failure or sign-in again the save still sends only what the user changed).
   */
  function openEditor(request: FastifyRequest, profile: ProfileSnapshot): Partial<ProfileDraft> {
    const draft = request.draft('profile')
    const opened = editableValues(profile)
    // Only a change is written: an editor opened again on the same values does not save the session.
    if (!draft?.base || (!draft.values && !sameValues(draft.base, opened))) request.keepDraft('profile', { ...draft, base: opened })
    return { ...profile, ...draft?.values }
  }

  app.get<{ Querystring: XStatic<typeof profileQuery> }>('/profile', { config: signedIn, schema: { querystring: profileQuery } }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    const { t } = textsFor(request)
    const notice = request.session.notice ? t(request.session.notice) : undefined
    if (notice) request.session.notice = undefined
    const editing = request.query.edit === '1'
    let profile: ProfileSnapshot
    try {
      profile = await loadProfile(request)
    } catch (error) {
      if (!(error instanceof DependencyFailure) || !error.failure.startsWith('graph-')) throw error
      request.log.warn({ failure: error.failure }, 'Graph /me failed')
      // The no-JS editor (and the landing after step-up) opens from what the session holds.
      if (editing && request.session.profile) {
        const { problem } = failureProblem(request, reply, error, 'error.editorFromSession')
        return renderPage(request, reply, 'profile', { profile: request.session.profile, notice: problem, editing: true, fields: editorFields(t, openEditor(request, request.session.profile)) })
      }
      const { status, problem } = failureProblem(request, reply, error, 'error.tryAgainLater')
      return renderPage(request, reply.code(status), 'profile', { loadProblem: problem, supportId: request.id })
    }
    if (!editing) return renderPage(request, reply, 'profile', { profile, notice })
    try {
      await request.accessToken(serviceScopes)
    } catch (error) {
      if (!(error instanceof ClaimsChallengeError)) throw error
      request.rememberStepUp(error, serviceStepUp)
      return renderPage(request, reply, 'profile', { profile, notice, stepUp: true })
    }
    return renderPage(request, reply, 'profile', { profile, notice, editing: true, fields: editorFields(t, openEditor(request, profile), {}, true) })
  })

  app.get('/profile/editor', { config: signedIn }, async (request, reply) => {
    reply.header('vary', 'HX-Request')
    if (!isHtmx(request)) return reply.redirect(editorAddress, 302)
    try {
      await request.accessToken(serviceScopes)
    } catch (error) {
      if (error instanceof ClaimsChallengeError) return reply.stepUp(error, serviceStepUp)
      throw error
    }
    const profile = request.session.profile ?? (await loadProfile(request))
    return editor(request, reply, 200, openEditor(request, profile))
  })

  // Cancel drops the draft: a POST with the CSRF token, so no cross-site link can discard it.
  app.post('/profile/cancel', { config: signedIn, preValidation: app.csrfProtection }, async (request, reply) => {
    request.dropDraft('profile')
    if (!isHtmx(request)) return reply.redirect('/profile', 303)
    const profile = request.session.profile ?? (await loadProfile(request))
    // The editor is closed: the address says so (no ?edit=1 left from a step-up landing), and
    // the focus goes back to the Edit button that opened it.
    return renderFragment(replaceUrl(reply, '/profile'), 'profile-card', { profile, focusEdit: true })
  })

  /** The form's profile values with a 409's choices applied: "saved" takes the base (the value saved meanwhile). */
  function typedValues(body: SaveBody, base: Partial<ProfileDraft>) {
    const submitted: Partial<Record<EditableField, unknown>> = submittedValues(body)
    for (const name of editableFields) {
      if (body[name] !== undefined && typeof body[name] !== 'string') submitted[name] = body[name]
      if (body[`keep-${name}`] === 'saved' && base[name] !== undefined) submitted[name] = base[name]
    }
    const { values, problems } = validateProfile(submitted)
    // Malformed UTF-8 (form-body.ts): refused with its own message, the other values kept.
    for (const name of unreadableFields(body)) if (isEditableField(name)) problems[name] = { rule: 'unreadable' }
    return { values, problems }
  }

  async function save(request: FastifyRequest<{ Body: SaveBody | undefined }>, reply: FastifyReply) {
    const { session } = request
    const base = request.draft('profile')?.base ?? editableValues(session.profile ?? (await loadProfile(request)))
    const { values, problems } = typedValues(request.body ?? {}, base)
    // The draft and its base are kept server-side until saved: they survive step-up, sign-in
    // again and failures, and bring the user back to the editor.
    request.keepDraft('profile', { values, base }, { returnTo: editorAddress })
    const shown = { ...base, ...values }
    if (Object.keys(problems).length > 0) return editor(request, reply, 422, shown, { errors: problemMessages(textsFor(request).t, problems) })
    if (changedFields(values, base).length === 0) return saved(request, reply, session.profile ?? (await loadProfile(request)))

    const patch = patchFor(values, base)
    let outcome: SaveOutcome
    try {
      // CAE relayed by the service (Graph or on-behalf-of refused a token older than a
      // revocation): fastify-entra-bff tries once silently with its claims, then saves once more.
      outcome = await request.withAccessToken(serviceScopes, (accessToken) => editProfile.save(accessToken, request.id, patch))
    } catch (error) {
      // Step-up (the tenant's or the service's challenge) or no service token (a failure);
      // sign-in-again goes to the error handler.
      if (error instanceof ClaimsChallengeError) return reply.stepUp(error, serviceStepUp)
      if (!(error instanceof DependencyFailure)) throw error
      request.log.warn({ failure: error.failure }, 'token for the edit profile service failed')
      const { status, problem } = failureProblem(request, reply, error, 'error.valuesKept')
      return editor(request, reply, status, shown, { problem })
    }
    switch (outcome.kind) {
      case 'saved':
        return saved(request, reply, snapshotOf(outcome.profile))
      case 'conflict': {
        // The values saved meanwhile become the base: the next save (keeping the user's value or
        // taking the saved one) is checked against them, not against what the editor first showed.
        const elsewhere: Partial<Record<EditableField, string>> = {}
        for (const name of editableFields) {
          const conflict = outcome.conflicts[name]
          if (!conflict) continue
          elsewhere[name] = conflict.current ?? ''
          base[name] = elsewhere[name]
          if (session.profile) session.profile = { ...session.profile, [name]: elsewhere[name] }
        }
        request.keepDraft('profile', { values, base })
        return editor(request, reply, 409, shown, { conflicts: elsewhere })
      }
      case 'invalid':
        return editor(request, reply, 422, shown, { errors: problemMessages(textsFor(request).t, outcome.problems) })
      case 'refused':
        request.log.warn({ code: outcome.code }, 'edit profile service refused the change')
        return editor(request, reply, 422, shown, { problem: textsFor(request).t('error.changeRefused') })
      default: {
        request.log.warn({ failure: outcome.failure, status: outcome.status }, 'edit profile service failed')
        const { status, problem } = failureProblem(request, reply, new DependencyFailure(outcome.failure), 'error.valuesKept')
        return editor(request, reply, status, shown, { problem })
      }
    }
  }

  /** Saved (or nothing to change): the draft and its base are done; the card says so. */
  function saved(request: FastifyRequest, reply: FastifyReply, profile: ProfileSnapshot) {
    request.dropDraft('profile')
    request.session.profile = profile
    if (!isHtmx(request)) {
      request.session.notice = 'notice.saved'
      return reply.redirect('/profile', 303)
    }
    return renderFragment(replaceUrl(reply, '/profile'), 'profile-card', { profile, notice: textsFor(request).t('notice.saved') })
  }

  const saveRoute = { config: signedIn, preValidation: app.csrfProtection, schema: { body: saveBody } }
  app.patch<{ Body: SaveBody | undefined }>('/profile', saveRoute, save)
  app.post<{ Body: SaveBody | undefined }>('/profile', saveRoute, save)
}
