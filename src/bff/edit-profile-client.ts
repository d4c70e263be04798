import { request, type Dispatcher } from 'undici'
import { claimsFromChallenge } from '../lib/claims-challenge.ts'
import type { ProfileDraft, ProfileField } from '../lib/profile-rules.ts'

// The BFF's side of the edit profile service: PATCH /me with the user's token for the service.

export interface ServiceProfile { id: string; displayName: string | null; givenName: string | null; surname: string | null; mail: string | null }

export type SaveOutcome =
  | { kind: 'saved'; profile: ServiceProfile }
  | { kind: 'invalid'; errors: Partial<Record<ProfileField, string>>; message: string }
  | { kind: 'step-up'; claims: string }
  | { kind: 'unavailable'; message: string }

export function createEditProfileClient(options: { baseUrl: string; dispatcher: Dispatcher; timeoutMs?: number }) {
  return {
    async save(accessToken: string, clientRequestId: string, changes: Partial<ProfileDraft>): Promise<SaveOutcome> {
      let response
      try {
        response = await request(`${options.baseUrl}/me`, {
          method: 'PATCH',
          dispatcher: options.dispatcher,
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', 'client-request-id': clientRequestId },
          body: JSON.stringify(changes),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        })
      } catch (error) {
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError'
        return { kind: 'unavailable', message: timedOut ? 'The profile service did not answer in time.' : 'The profile service could not be reached.' }
      }
      const text = await response.body.text()
      let body: { error?: { code?: string; message?: string; details?: Record<string, string> } } & Partial<ServiceProfile> = {}
      try {
        body = text ? JSON.parse(text) : {}
      } catch {
        return { kind: 'unavailable', message: `The profile service answered ${response.statusCode} without a readable body.` }
      }
      if (response.statusCode === 200) return { kind: 'saved', profile: body as ServiceProfile }
      if (response.statusCode === 401) {
        const claims = claimsFromChallenge(response.headers['www-authenticate'])
        if (claims) return { kind: 'step-up', claims }
      }
      if (response.statusCode === 422) {
        return { kind: 'invalid', errors: (body.error?.details ?? {}) as Partial<Record<ProfileField, string>>, message: body.error?.message ?? 'The profile service did not accept these values.' }
      }
      return { kind: 'unavailable', message: body.error?.message ?? `The profile service answered ${response.statusCode}.` }
    },
  }
}

export type EditProfileClient = ReturnType<typeof createEditProfileClient>
