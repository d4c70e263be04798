import { editableFields, profileFields, type EditableField } from '../lib/profile.ts'
import { ServiceError } from './service-error.ts'

// Fastify's body schema errors (ajv, allErrors) → the API's 422, field by field, in the same
// words the content rules use, so a client shows one kind of message whatever caught it.

interface SchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

const isEditableField = (name: string): name is EditableField => (editableFields as string[]).includes(name)

function messageFor(field: EditableField, error: SchemaError): string {
  const rule = profileFields[field]
  // A field's schema has only `type` and a generous `maxLength` (content rules run on trimmed values).
  return error.keyword === 'type' ? `${rule.label} must be text.` : `${rule.label} must be at most ${rule.maxLength} characters.`
}

export function profileSchemaError(errors: SchemaError[]): ServiceError {
  const details: Record<string, string> = {}
  for (const error of errors) {
    const field = error.instancePath.replace(/^\//, '')
    if (error.keyword === 'additionalProperties') {
      const name = String(error.params.additionalProperty)
      details[name] ??= `${name} is not an editable profile field (editable: ${editableFields.join(', ')}).`
    } else if (isEditableField(field)) {
      details[field] ??= messageFor(field, error)
    }
  }
  if (Object.keys(details).length === 0) {
    return new ServiceError(422, 'invalid_profile', `The request body must be a JSON object changing at least one of ${editableFields.join(', ')}.`)
  }
  return new ServiceError(422, 'invalid_profile', 'Some profile fields are not valid.', { details })
}
