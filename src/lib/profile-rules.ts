import type { XStatic } from 'typebox/schema'
import { editableFields, profileFields, type EditableField, type ProfileDraft } from './profile.ts'

// The content rules of an editable profile field (its limits are in the profile table), shared by
// the BFF's form validation and the edit profile service's API validation.

const controlCharacters = /[\p{Cc}\u2028\u2029]/u
// Bidirectional overrides and isolates re-order the text around them (U+202E shows "evil.exe" as
// "exe.live"); ordinary right-to-left names need none of them.
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
// Format characters (zero-width joiners, tags) are kept inside visible text — emoji sequences
// and Indic scripts use them — but a value of nothing else would show as blank.
const invisibleOnly = /^[\p{Cf}\p{Z}\p{Mn}\u115f\u1160\u3164\uffa0]*$/u

/** One field's value in the service's API: text sets it, null clears it (absent: unchanged). */
const fieldValue = { anyOf: [{ type: 'string', maxLength: 1024 }, { type: 'null' }] } as const
const perField = <T>(schema: T) => Object.fromEntries(editableFields.map((name) => [name, schema])) as Record<EditableField, T>

/**
 * The edit profile service's PATCH /me body. Structure only (types, known fields); lengths and
 * content are checked on trimmed values. `expected`: the value each changed field had when the
 * user's editor opened; the service answers 409 when Graph holds something else by now.
 */
export const profilePatchSchema = {
  type: 'object',
  properties: {
    ...perField(fieldValue),
    expected: { type: 'object', properties: perField(fieldValue), additionalProperties: false },
  },
  additionalProperties: false,
  minProperties: 1,
} as const

export type ProfilePatch = XStatic<typeof profilePatchSchema>
/** A change to the profile: a value to set, or null to clear an optional field. */
export type ProfileChanges = Partial<Record<EditableField, string | null>>

/** Which rule a value broke, for texts in the user's language (the BFF's message catalog). */
export type ProfileProblem =
  | { rule: 'text' | 'controlCharacters' | 'bidiControls' | 'invisible' | 'required' | 'blank' | 'unreadable' }
  | { rule: 'maxLength'; max: number }

const ruleNames = new Set(['text', 'controlCharacters', 'bidiControls', 'invisible', 'required', 'blank', 'unreadable', 'maxLength'])

/** A rule as another process reported it: only a rule this code knows (and can word) is one. */
export function isProfileProblem(value: unknown): value is ProfileProblem {
  if (!value || typeof value !== 'object') return false
  const { rule, max } = value as { rule?: unknown; max?: unknown }
  return typeof rule === 'string' && ruleNames.has(rule) && (rule !== 'maxLength' || (Number.isInteger(max) && Number(max) > 0))
}

export interface ProfileValidation {
  values: Partial<ProfileDraft>
  /** English sentences naming the field (the edit profile service's API answers with these). */
  errors: Partial<Record<EditableField, string>>
  problems: Partial<Record<EditableField, ProfileProblem>>
}

function englishMessage(label: string, problem: ProfileProblem): string {
  switch (problem.rule) {
    case 'text': return `${label} must be text.`
    case 'controlCharacters': return `${label} cannot contain control characters.`
    case 'bidiControls': return `${label} cannot contain text-direction control characters.`
    case 'invisible': return `${label} must contain visible characters.`
    case 'required': return `${label} is required.`
    case 'blank': return `${label} is empty: send null to clear it.`
    case 'unreadable': return `${label} was not sent as valid UTF-8 text.`
    case 'maxLength': return `${label} must be at most ${problem.max} characters.`
  }
}

function problemOf(raw: unknown, value: string, rule: { required: boolean; maxLength: number }): ProfileProblem | undefined {
  if (typeof raw !== 'string') return { rule: 'text' }
  if (!value.isWellFormed() || controlCharacters.test(value)) return { rule: 'controlCharacters' }
  if (bidiControls.test(value)) return { rule: 'bidiControls' }
  if (value.length > 0 && invisibleOnly.test(value)) return { rule: 'invisible' }
  if (rule.required && value.length === 0) return { rule: 'required' }
  if (value.length > rule.maxLength) return { rule: 'maxLength', max: rule.maxLength }
  return undefined
}

/** Trims each present field and checks it; messages name the field as users see it. */
export function validateProfile(input: Partial<Record<EditableField, unknown>>): ProfileValidation {
  const values: Partial<ProfileDraft> = {}
  const errors: Partial<Record<EditableField, string>> = {}
  const problems: Partial<Record<EditableField, ProfileProblem>> = {}
  for (const name of editableFields) {
    const raw = input[name]
    if (raw === undefined) continue
    const value = typeof raw === 'string' ? raw.trim() : ''
    values[name] = value
    const problem = problemOf(raw, value, profileFields[name])
    if (!problem) continue
    problems[name] = problem
    errors[name] = englishMessage(profileFields[name].label, problem)
  }
  return { values, errors, problems }
}

export interface ProfilePatchValidation {
  changes: ProfileChanges
  errors: Partial<Record<EditableField, string>>
  problems: Partial<Record<EditableField, ProfileProblem>>
}

/**
 * The service's reading of a PATCH body: an absent field is unchanged, null clears an optional
 * field, and a blank string is refused so that no client clears a value by sending an empty form.
 */
export function validateProfilePatch(patch: ProfilePatch): ProfilePatchValidation {
  const texts: Partial<Record<EditableField, string>> = {}
  const changes: ProfileChanges = {}
  const problems: Partial<Record<EditableField, ProfileProblem>> = {}
  for (const name of editableFields) {
    const value = patch[name]
    if (value === null) {
      if (profileFields[name].required) problems[name] = { rule: 'required' }
      else changes[name] = null
    } else if (value !== undefined) texts[name] = value
  }
  const checked = validateProfile(texts)
  for (const name of editableFields) {
    const value = checked.values[name]
    if (value === undefined || checked.problems[name]) continue
    if (value === '' && !profileFields[name].required) problems[name] = { rule: 'blank' }
    else changes[name] = value
  }
  Object.assign(problems, checked.problems)
  const errors: Partial<Record<EditableField, string>> = {}
  for (const name of editableFields) {
    const problem = problems[name]
    if (problem) errors[name] = englishMessage(profileFields[name].label, problem)
  }
  return { changes, errors, problems }
}
