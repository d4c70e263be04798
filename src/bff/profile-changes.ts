import { editableFields, type EditableField, type ProfileDraft } from '../lib/profile.ts'
import type { ProfilePatch } from '../lib/profile-rules.ts'
import type { ProfileSnapshot } from './profile-snapshot.ts'

// What a save asks the edit profile service for: only the fields the user changed since the
// editor opened (its base), each with the value it had then. A field the form did not send is
// not a change; an emptied optional field is cleared explicitly (null).

/** The editable values of a profile, as the editor shows them ('' for none). */
export function editableValues(profile: ProfileSnapshot): ProfileDraft {
  return Object.fromEntries(editableFields.map((name) => [name, profile[name]])) as ProfileDraft
}

/** The same values in every editable field. */
export function sameValues(a: Partial<ProfileDraft>, b: Partial<ProfileDraft>): boolean {
  return editableFields.every((name) => a[name] === b[name])
}

/** The fields whose value differs from the base. */
export function changedFields(values: Partial<ProfileDraft>, base: Partial<ProfileDraft>): EditableField[] {
  return editableFields.filter((name) => values[name] !== undefined && values[name] !== base[name])
}

/** The service's PATCH body: the changes, and what the user saw before each (`expected`). */
export function patchFor(values: Partial<ProfileDraft>, base: Partial<ProfileDraft>): ProfilePatch {
  const patch: ProfilePatch = {}
  const expected: NonNullable<ProfilePatch['expected']> = {}
  for (const name of changedFields(values, base)) {
    patch[name] = values[name] || null
    if (base[name] !== undefined) expected[name] = base[name] || null
  }
  if (Object.keys(expected).length > 0) patch.expected = expected
  return patch
}
