import { request, type Dispatcher } from 'undici'
import { claimsFromChallenge } from '../lib/claims-challenge.ts'
import { isTimeout } from '../lib/upstream-errors.ts'
import type { EditableField, Profile, ProfileDraft } from '../lib/profile.ts'
import { ClaimsChallengeError } from './claims-challenge-error.ts'

// The BFF's side of the edit profile service: PATCH /me with the user's token for the service.
// The service's claims challenge is thrown as the token endpoint's is (claims-challenge-error.ts).

export type SaveOutcome =
  | { kind: 'saved'; profile: Profile }
  | { kind: 'invalid'; errors: Partial<Record<EditableField, string>>; message: string }
  | { kind: 'failed'; failure: 'service-unreachable' | 'service-timeout' | 'service-failed'; status?: number }

export function createEditProfileClient(options: { baseUrl: string; dispatcher: Dispatcher; timeoutMs?: number }) {
  return {
    /** The service's answer to the changes; its claims challenge is thrown (ClaimsChallengeError), as identity's is. */
    async save(accessToken: string, clientRequestId: string, changes: Partial<ProfileDraft>): Promise<SaveOutcome> {
      const timeoutMs = options.timeoutMs ?? 15_000
      let response: Dispatcher.ResponseData
      try {
        response = await request(`${options.baseUrl}/me`, {
          method: 'PATCH',
          dispatcher: options.dispatcher,
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'client-request-id': clientRequestId },
          body: JSON.stringify(changes),
          // Our deadline governs, not the shared agent's 10 s header timeout.
          headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        return { kind: 'failed', failure: isTimeout(error) ? 'service-timeout' : 'service-unreachable' }
      }
      const text = await response.body.text()
      let body: { error?: { code?: string; message?: string; details?: Record<string, string> } } & Partial<Profile> = {}
      try {
        body = text ? JSON.parse(text) : {}
      } catch {
        return { kind: 'failed', failure: 'service-failed', status: response.statusCode }
      }
      if (response.statusCode === 200) return { kind: 'saved', profile: body as Profile }
      if (response.statusCode === 401) {
        const claims = claimsFromChallenge(response.headers['www-authenticate'])
        if (claims) throw ClaimsChallengeError.fromResource(claims)
      }
      if (response.statusCode === 422) {
        return { kind: 'invalid', errors: (body.error?.details ?? {}) as Partial<Record<EditableField, string>>, message: body.error?.message ?? 'The profile service did not accept these values.' }
      }
      // Its message stays in our logs: the user gets the product's own sentence (failures.ts).
      return { kind: 'failed', failure: response.statusCode === 504 ? 'service-timeout' : 'service-failed', status: response.statusCode }
    },
  }
}

export type EditProfileClient = ReturnType<typeof createEditProfileClient>
