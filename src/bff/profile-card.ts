import { profileFieldNames, profileFields } from '../lib/profile.ts'
import type { MessageId } from './i18n/messages-en.ts'
import type { ProfileSnapshot } from './profile-snapshot.ts'

/**
 * The card's rows, one per field of the profile table, for {{#each (profileCard profile)}}:
 * people's names get dir="auto" (any script), the directory id is shown as code.
 */
export function profileCard(profile: Partial<ProfileSnapshot> | undefined) {
  return profileFieldNames.map((name) => {
    const { labelId, shownAs } = profileFields[name]
    // A row whose label is missing from the catalog fails the type check here.
    return { name, labelId: labelId satisfies MessageId, value: profile?.[name] ?? '', dirAuto: shownAs === 'text', code: shownAs === 'identifier' }
  })
}
