import { fieldNames, profileFields, type ProfileDraft, type ProfileField, type ProfileProblem } from '../lib/profile-rules.ts'
import type { Translate } from './i18n/translator.ts'

const autocomplete: Record<ProfileField, string> = { displayName: 'nickname', givenName: 'given-name', surname: 'family-name' }

export type FieldMessages = Partial<Record<ProfileField, string>>

/**
 * The editor's fields with the values to show (typed, draft or profile), their labels and
 * messages in the user's language. `focusFirst`: the editor just opened, so its first field
 * takes the focus (htmx and browsers honour autofocus on what they insert or load).
 */
export function editorFields(t: Translate, values: Partial<ProfileDraft>, errors: FieldMessages = {}, focusFirst = false) {
  return fieldNames.map((name, index) => ({
    name, label: t(`profile.field.${name}`), value: values[name] ?? '', error: errors[name],
    required: profileFields[name].required, maxLength: profileFields[name].maxLength, autocomplete: autocomplete[name],
    focus: focusFirst && index === 0,
  }))
}

/** The validation messages, in the user's language. */
export function problemMessages(t: Translate, problems: Partial<Record<ProfileField, ProfileProblem>>): FieldMessages {
  return Object.fromEntries(Object.entries(problems).map(([name, problem]) => {
    const field = t(`profile.field.${name as ProfileField}`)
    return [name, t(`validation.${problem.rule}`, problem.rule === 'maxLength' ? { field, max: problem.max } : { field })]
  }))
}

/** Only the profile fields of a submitted form, as text. */
export function submittedValues(form: Record<string, unknown>): Partial<ProfileDraft> {
  return Object.fromEntries(fieldNames.filter((name) => typeof form[name] === 'string').map((name) => [name, form[name] as string]))
}
