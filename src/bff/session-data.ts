import type {} from 'fastify-entra-bff'
import type { ProfileDraft } from '../lib/profile.ts'
import type { Language } from './i18n/language.ts'
import type { ProfileSnapshot } from './profile-snapshot.ts'

// What the app keeps in a user's server-side session, beside what fastify-entra-bff keeps there
// (the signed-in user, the token cache key, a step-up in progress, drafts).

/** The one-time notices, by their message id. */
export type NoticeId = 'notice.saved' | 'notice.verified' | 'notice.stepUpCancelled'

/** The inline editor's draft: what the user typed, and the values the editor opened with. */
export interface ProfileEditorDraft {
  /** Profile values typed before a step-up or a failure, restored in the editor. */
  values?: Partial<ProfileDraft>
  /**
   * The values the editor opened with: a save sends only the fields that differ from these, and
   * names these as the values it expects the service to find (a 409 when they changed elsewhere).
   */
  base?: Partial<ProfileDraft>
}

declare module 'fastify' {
  interface EntraBffDrafts {
    profile: ProfileEditorDraft
  }

  interface Session {
    /** A one-time message shown on the next page (e.g. after step-up), as a catalog id. */
    notice?: NoticeId
    /** The language the user picked; without one, Accept-Language decides. */
    language?: Language
    /** The profile as last read from Graph or saved, so the editor opens without another Graph call. */
    profile?: ProfileSnapshot
  }
}
