import { fieldNames, profileFields, type ProfileDraft, type ProfileField } from '../lib/profile-rules.ts'

const autocomplete: Record<ProfileField, string> = { displayName: 'nickname', givenName: 'given-name', surname: 'family-name' }

/** The editor's fields with the values to show (typed, draft or profile) and their messages. */
export function editorFields(values: Partial<ProfileDraft>, errors: Partial<Record<ProfileField, string>> = {}) {
  return fieldNames.map((name) => ({
    name, label: profileFields[name].label, value: values[name] ?? '', error: errors[name],
    required: profileFields[name].required, maxLength: profileFields[name].maxLength, autocomplete: autocomplete[name],
  }))
}

/** Only the profile fields of a submitted form, as text. */
export function submittedValues(form: Record<string, unknown>): Partial<ProfileDraft> {
  return Object.fromEntries(fieldNames.filter((name) => typeof form[name] === 'string').map((name) => [name, form[name] as string]))
}
