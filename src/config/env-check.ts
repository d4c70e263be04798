// The environment checked against env-schema.ts without a schema compiler: the schema uses six
// keywords (type, minimum, maximum, enum, pattern, minLength) and defaults, and this applies them
// as env-schema's Ajv did (defaults, coercion of text to numbers and booleans, every error), which
// a test proves against Ajv itself. Ajv at boot cost ~120 ms and ~10 MB per process (issue 27).

export interface PropertySchema {
  type: 'string' | 'integer' | 'boolean'
  minimum?: number
  maximum?: number
  enum?: readonly string[]
  pattern?: string
  minLength?: number
  default?: unknown
}

/** An error as Ajv words it (the fields read-env.ts turns into a sentence). */
export interface SchemaError { instancePath: string; keyword: string; params: Record<string, unknown> }

export const supportedKeywords = ['type', 'minimum', 'maximum', 'enum', 'pattern', 'minLength', 'default'] as const

/** Ajv's coercion (coerceTypes: true) of text to the schema's type; undefined when it does not coerce. */
function coerce(type: PropertySchema['type'], value: unknown): unknown {
  if (typeof value !== 'string') return value
  if (type === 'integer') {
    // Ajv's own test: a non-empty string loosely equal to its number (so ' 8 ' and '0x10' coerce too).
    // biome-ignore lint/suspicious/noDoubleEquals: Ajv's coercion is this loose comparison
    return value !== '' && value == (+value as unknown as string) ? +value : undefined
  }
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : undefined
  return value
}

function errorsOf(name: string, schema: PropertySchema, value: unknown): SchemaError[] {
  const instancePath = `/${name}`
  if (value === undefined) return [{ instancePath, keyword: 'type', params: { type: schema.type } }]
  const errors: SchemaError[] = []
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return [{ instancePath, keyword: 'type', params: { type: schema.type } }]
    if (schema.maximum !== undefined && value > schema.maximum) errors.push({ instancePath, keyword: 'maximum', params: { comparison: '<=', limit: schema.maximum } })
    if (schema.minimum !== undefined && value < schema.minimum) errors.push({ instancePath, keyword: 'minimum', params: { comparison: '>=', limit: schema.minimum } })
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) errors.push({ instancePath, keyword: 'minLength', params: { limit: schema.minLength } })
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) errors.push({ instancePath, keyword: 'pattern', params: { pattern: schema.pattern } })
  }
  if (schema.enum && !schema.enum.includes(value as string)) errors.push({ instancePath, keyword: 'enum', params: { allowedValues: schema.enum } })
  return errors
}

/**
 * Applies the schema to `data` in place (defaults, coercion) and returns every error, in the
 * schema's order; an invalid value is left as it was given.
 */
export function applySchema(properties: Record<string, PropertySchema>, data: Record<string, unknown>): SchemaError[] {
  const errors: SchemaError[] = []
  for (const [name, schema] of Object.entries(properties)) {
    if (data[name] === undefined) {
      if (schema.default !== undefined) data[name] = schema.default
      continue
    }
    const value = coerce(schema.type, data[name])
    const found = errorsOf(name, schema, value)
    if (value !== undefined) data[name] = value
    errors.push(...found)
  }
  return errors
}
