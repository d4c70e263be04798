import { editableFields, profileFields, type EditableField } from '../lib/profile.ts'
import type { ProfileProblem } from '../lib/profile-rules.ts'
import { ServiceError } from './service-error.ts'

// Fastify's body schema errors (ajv, allErrors) → the API's 422, field by field, in the same
// words the content rules use, so a client shows one kind of message whatever caught it.

interface SchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

const isEditableField = (name: string): name is EditableField => (editableFields as string[]).includes(name)

// A field's schema has only its type (text or null) and a generous `maxLength` (content rules run
// on trimmed values); a wrong type fails both branches of the union, so anything but maxLength is "text".
function problemFor(field: EditableField, error: SchemaError): ProfileProblem {
  return error.keyword === 'maxLength' ? { rule: 'maxLength', max: profileFields[field].maxLength } : { rule: 'text' }
}

function messageFor(field: EditableField, problem: ProfileProblem): string {
  const { label } = profileFields[field]
  return problem.rule === 'maxLength' ? `${label} must be at most ${problem.max} characters.` : `${label} must be text.`
}

export function profileSchemaError(errors: SchemaError[]): ServiceError {
  const details: Record<string, string> = {}
  const problems: Record<string, ProfileProblem> = {}
  for (const error of errors) {
    const field = error.instancePath.replace(/^\//, '')
    if (field.startsWith('expected')) {
      details.expected ??= `expected maps changed fields (${editableFields.join(', ')}) to the value each had before: text or null.`
    } else if (error.keyword === 'additionalProperties') {
      const name = String(error.params.additionalProperty)
      details[name] ??= `${name} is not an editable profile field (editable: ${editableFields.join(', ')}).`
    } else if (isEditableField(field) && !problems[field]) {
      problems[field] = problemFor(field, error)
      details[field] = messageFor(field, problems[field])
    }
  }
  if (Object.keys(details).length === 0) return noChangeError()
  return new ServiceError(422, 'invalid_profile', 'Some profile fields are not valid.', { details, problems })
}

/** A body that changes no field. */
export function noChangeError(): ServiceError {
  return new ServiceError(422, 'invalid_profile', `The request body must be a JSON object changing at least one of ${editableFields.join(', ')}.`)
}
