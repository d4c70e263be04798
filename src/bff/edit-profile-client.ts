import type { Dispatcher } from 'undici'
import { loadUndici } from 'fastify-entra-bff'
import { claimsFromChallenge } from 'fastify-entra-bff'
import { isTimeout } from 'fastify-entra-bff'
import { editableFields, type EditableField, type Profile } from '../lib/profile.ts'
import { isProfileProblem, type ProfilePatch, type ProfileProblem } from '../lib/profile-rules.ts'
import { ClaimsChallengeError } from 'fastify-entra-bff'
import { SignInRequiredError } from 'fastify-entra-bff'

// The BFF's side of the edit profile service: PATCH /me with the user's token for the service.
// The service's claims challenge is thrown as the token endpoint's is (claims-challenge-error.ts).
// Only machine-readable parts of its errors are kept (rules, values): the service's English
// sentences stay in its answers and our logs, and pages word everything from our catalogs.

/** A field changed elsewhere since the editor opened: the value Graph holds now. */
export interface SavedElsewhere { current: string | null }

export type SaveOutcome =
  | { kind: 'saved'; profile: Profile }
  /** The service named the rule each field broke. */
  | { kind: 'invalid'; problems: Partial<Record<EditableField, ProfileProblem>> }
  /** The change was refused without a field to blame (e.g. Graph rejected it). */
  | { kind: 'refused'; code?: string }
  /** 409: fields changed elsewhere since the editor opened; nothing was written. */
  | { kind: 'conflict'; conflicts: Partial<Record<EditableField, SavedElsewhere>> }
  | { kind: 'failed'; failure: 'service-unreachable' | 'service-timeout' | 'service-failed'; status?: number }

interface ServiceErrorBody { code?: string; problems?: Record<string, unknown>; conflicts?: Record<string, unknown> }

function problemsIn(error: ServiceErrorBody | undefined): Partial<Record<EditableField, ProfileProblem>> {
  const problems: Partial<Record<EditableField, ProfileProblem>> = {}
  for (const name of editableFields) {
    const problem = error?.problems?.[name]
    if (isProfileProblem(problem)) problems[name] = problem
  }
  return problems
}

function conflictsIn(error: ServiceErrorBody | undefined): Partial<Record<EditableField, SavedElsewhere>> {
  const conflicts: Partial<Record<EditableField, SavedElsewhere>> = {}
  for (const name of editableFields) {
    const current = (error?.conflicts?.[name] as { current?: unknown } | undefined)?.current
    if (typeof current === 'string' || current === null) conflicts[name] = { current }
  }
  return conflicts
}

export function createEditProfileClient(options: { baseUrl: string; dispatcher: Dispatcher; timeoutMs?: number }) {
  return {
    /** The service's answer to the changes; its claims challenge is thrown (ClaimsChallengeError), as identity's is. */
    async save(accessToken: string, clientRequestId: string, patch: ProfilePatch): Promise<SaveOutcome> {
      const timeoutMs = options.timeoutMs ?? 15_000
      let response: Dispatcher.ResponseData
      try {
        response = await loadUndici().request(`${options.baseUrl}/me`, {
          method: 'PATCH',
          dispatcher: options.dispatcher,
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'client-request-id': clientRequestId },
          body: JSON.stringify(patch),
          // Our deadline governs, not the shared agent's 10 s header timeout.
          headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        return { kind: 'failed', failure: isTimeout(error) ? 'service-timeout' : 'service-unreachable' }
      }
      const text = await response.body.text()
      let body: { error?: ServiceErrorBody } & Partial<Profile> = {}
      try {
        body = text ? JSON.parse(text) : {}
      } catch {
        return { kind: 'failed', failure: 'service-failed', status: response.statusCode }
      }
      if (response.statusCode === 200) return { kind: 'saved', profile: body as Profile }
      if (response.statusCode === 401) {
        const claims = claimsFromChallenge(response.headers['www-authenticate'])
        if (claims) throw ClaimsChallengeError.fromResource(claims)
        // The tenant no longer accepts this user's token (unknown, blocked, signed out): sign in again, values kept.
        if (body.error?.code === 'user_not_accepted') throw new SignInRequiredError('the edit profile service does not accept the token for this user')
      }
      if (response.statusCode === 409) {
        const conflicts = conflictsIn(body.error)
        if (Object.keys(conflicts).length > 0) return { kind: 'conflict', conflicts }
      }
      if (response.statusCode === 422) {
        const problems = problemsIn(body.error)
        return Object.keys(problems).length > 0 ? { kind: 'invalid', problems } : { kind: 'refused', code: body.error?.code }
      }
      // Its message stays in our logs: the user gets the product's own sentence (failures.ts).
      return { kind: 'failed', failure: response.statusCode === 504 ? 'service-timeout' : 'service-failed', status: response.statusCode }
    },
  }
}

export type EditProfileClient = ReturnType<typeof createEditProfileClient>
