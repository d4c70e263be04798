// The editable profile fields and their rules, shared by the BFF's form validation and the edit
// profile service's API validation (Graph's own limits: displayName ≤ 256 and required,
// givenName/surname ≤ 64).

export type ProfileField = 'displayName' | 'givenName' | 'surname'
export type ProfileDraft = Record<ProfileField, string>

export const profileFields: Record<ProfileField, { label: string; required: boolean; maxLength: number }> = {
  displayName: { label: 'Display name', required: true, maxLength: 256 },
  givenName: { label: 'Given name', required: false, maxLength: 64 },
  surname: { label: 'Surname', required: false, maxLength: 64 },
}

export const fieldNames = Object.keys(profileFields) as ProfileField[]

const controlCharacters = /[\p{Cc}\u2028\u2029]/u
// Bidirectional overrides and isolates re-order the text around them (U+202E shows "evil.exe" as
// "exe.live"); ordinary right-to-left names need none of them.
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
// Format characters (zero-width joiners, tags) are kept inside visible text — emoji sequences
// and Indic scripts use them — but a value of nothing else would show as blank.
const invisibleOnly = /^[\p{Cf}\p{Z}\p{Mn}\u115f\u1160\u3164\uffa0]*$/u

/** Structure only (types, known fields); lengths and content are checked on trimmed values. */
export const profilePatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(fieldNames.map((name) => [name, { type: 'string', maxLength: 1024 }])),
} as const

export interface ProfileValidation {
  values: Partial<ProfileDraft>
  errors: Partial<Record<ProfileField, string>>
}

/** Trims each present field and checks it; messages name the field as users see it. */
export function validateProfile(input: Partial<Record<ProfileField, unknown>>): ProfileValidation {
  const values: Partial<ProfileDraft> = {}
  const errors: Partial<Record<ProfileField, string>> = {}
  for (const name of fieldNames) {
    const raw = input[name]
    if (raw === undefined) continue
    const rule = profileFields[name]
    const value = typeof raw === 'string' ? raw.trim() : ''
    values[name] = value
    if (typeof raw !== 'string') errors[name] = `${rule.label} must be text.`
    else if (!value.isWellFormed() || controlCharacters.test(value)) errors[name] = `${rule.label} cannot contain control characters.`
    else if (bidiControls.test(value)) errors[name] = `${rule.label} cannot contain text-direction control characters.`
    else if (value.length > 0 && invisibleOnly.test(value)) errors[name] = `${rule.label} must contain visible characters.`
    else if (rule.required && value.length === 0) errors[name] = `${rule.label} is required.`
    else if (value.length > rule.maxLength) errors[name] = `${rule.label} must be at most ${rule.maxLength} characters.`
  }
  return { values, errors }
}
