import { editableFields, profileFields, type EditableField, type ProfileDraft } from '../lib/profile.ts'
import type { ProfileProblem } from '../lib/profile-rules.ts'
import type { Translate } from './i18n/translator.ts'

export type FieldMessages = Partial<Record<EditableField, string>>

/**
 * The editor's fields with the values to show (typed, draft or profile), their labels and
 * messages in the user's language. `focusFirst`: the editor just opened, so its first field
 * takes the focus (htmx and browsers honour autofocus on what they insert or load).
 */
export function editorFields(t: Translate, values: Partial<ProfileDraft>, errors: FieldMessages = {}, focusFirst = false) {
  return editableFields.map((name, index) => {
    const { labelId, required, maxLength, autocomplete } = profileFields[name]
    // The limit is told, not enforced by `maxlength`: a longer paste stays whole and the 422 says why.
    return { name, label: t(labelId), value: values[name] ?? '', error: errors[name], required, maxLength, hint: t('editor.limitHint', { max: maxLength }), autocomplete, focus: focusFirst && index === 0 }
  })
}

/** The validation messages, in the user's language. */
export function problemMessages(t: Translate, problems: Partial<Record<EditableField, ProfileProblem>>): FieldMessages {
  return Object.fromEntries(Object.entries(problems).map(([name, problem]) => {
    const field = t(profileFields[name as EditableField].labelId)
    return [name, t(`validation.${problem.rule}`, problem.rule === 'maxLength' ? { field, max: problem.max } : { field })]
  }))
}

/** Per field changed elsewhere (409): the user's value and the one saved meanwhile, worded for the choice. */
export function conflictChoices(t: Translate, conflicts: Partial<Record<EditableField, string>>, yours: Partial<ProfileDraft>) {
  const shown = (value: string | undefined) => value || t('editor.conflict.empty')
  return editableFields.filter((name) => conflicts[name] !== undefined).map((name) => {
    const field = t(profileFields[name].labelId)
    return {
      name,
      changed: t('editor.conflict.changed', { field }),
      keepYours: t('editor.conflict.keepYours', { name: shown(yours[name]) }),
      takeSaved: t('editor.conflict.takeSaved', { name: shown(conflicts[name]) }),
    }
  })
}

/** Only the profile fields of a submitted form, as text. */
export function submittedValues(form: Record<string, unknown>): Partial<ProfileDraft> {
  return Object.fromEntries(editableFields.filter((name) => typeof form[name] === 'string').map((name) => [name, form[name] as string]))
}
