import { profileFieldNames, type Profile, type ProfileFieldName } from '../lib/profile.ts'

// The profile as the BFF keeps it in the session and shows it: every field of the profile table,
// a value Graph does not have as ''.

export type ProfileSnapshot = Record<ProfileFieldName, string>

export function snapshotOf(profile: Profile): ProfileSnapshot {
  return Object.fromEntries(profileFieldNames.map((name) => [name, profile[name] ?? ''])) as ProfileSnapshot
}

/** Field by field: cheaper than comparing two JSON strings on every page view. */
export function sameProfile(loaded: ProfileSnapshot, kept: ProfileSnapshot | undefined): boolean {
  if (!kept || Object.keys(kept).length !== Object.keys(loaded).length) return false
  for (const field in loaded) if (loaded[field as ProfileFieldName] !== kept[field as ProfileFieldName]) return false
  return true
}
