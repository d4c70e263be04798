import type { FastifyInstance, FastifySchema } from 'fastify'

// The BFF's route schemas (its own and fastify-entra-bff's, which inherit this compiler) checked
// without Ajv. They are small: objects of named strings, some required, some with a maxLength,
// and `{}` for a value the route words itself. Fastify's Ajv instance and the code it compiles for
// them were 5 MiB of an idle replica (docs/benchmarks.md), for eight such schemas. This applies
// the keywords below with Fastify's Ajv options (coerceTypes 'array': a single-element array or a
// number or boolean given for a string is coerced, null is ''), and refuses any other keyword when
// the route is registered, so a richer schema fails at boot rather than passing unchecked.
// test/unit/bff/route-schemas.test.ts gives the same inputs to Fastify's own Ajv and to this.

interface RouteSchema {
  type?: 'object' | 'string'
  properties?: Record<string, RouteSchema>
  required?: readonly string[]
  maxLength?: number
}

/** An error as Ajv words it: Fastify's error formatter and `error.validation` read these fields. */
export interface RouteSchemaError { instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message: string }

const keywords = new Set(['type', 'properties', 'required', 'maxLength'])

function checkedSchema(schema: unknown, at: string): RouteSchema {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`route schema ${at || '/'}: not a schema object`)
  for (const keyword of Object.keys(schema)) {
    if (!keywords.has(keyword)) throw new Error(`route schema ${at || '/'}: "${keyword}" is not supported by src/bff/plugins/route-schemas.ts`)
  }
  const { type, properties } = schema as RouteSchema
  if (type !== undefined && type !== 'object' && type !== 'string') throw new Error(`route schema ${at || '/'}: type "${String(type)}" is not supported`)
  for (const [name, property] of Object.entries(properties ?? {})) checkedSchema(property, `${at}/properties/${name}`)
  return schema as RouteSchema
}

/** Ajv's coercion to a string (coerceTypes 'array'); undefined when the value does not coerce. */
function asString(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? asString(value[0]) : undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value === null) return ''
  return undefined
}

function typeError(instancePath: string, schemaPath: string, type: string): RouteSchemaError {
  return { instancePath, schemaPath: `${schemaPath}/type`, keyword: 'type', params: { type }, message: `must be ${type}` }
}

/**
 * Checks `value` against `schema`, coercing in place as Ajv does; returns the first error (Ajv
 * stops at the first with allErrors off, Fastify's default), or the value as coerced.
 */
function check(schema: RouteSchema, value: unknown, instancePath: string, schemaPath: string): { value: unknown } | { error: RouteSchemaError } {
  if (schema.type === 'string') {
    const text = asString(value)
    if (text === undefined) return { error: typeError(instancePath, schemaPath, 'string') }
    // Ajv counts code points (a surrogate pair is one character).
    if (schema.maxLength !== undefined && [...text].length > schema.maxLength) {
      return { error: { instancePath, schemaPath: `${schemaPath}/maxLength`, keyword: 'maxLength', params: { limit: schema.maxLength }, message: `must NOT have more than ${schema.maxLength} characters` } }
    }
    return { value: text }
  }
  if (schema.type === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: typeError(instancePath, schemaPath, 'object') }
    const record = value as Record<string, unknown>
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) {
        return { error: { instancePath, schemaPath: `${schemaPath}/required`, keyword: 'required', params: { missingProperty: name }, message: `must have required property '${name}'` } }
      }
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (record[name] === undefined) continue
      const result = check(property, record[name], `${instancePath}/${name}`, `${schemaPath}/properties/${name}`)
      if ('error' in result) return result
      record[name] = result.value
    }
  }
  return { value }
}

/** The validator of one route schema, in the form Fastify's validator compiler returns. */
export function compileRouteSchema(schema: unknown): (data: unknown) => { value: unknown } | { error: RouteSchemaError[] } {
  const checked = checkedSchema(schema, '')
  return (data) => {
    const result = check(checked, data, '', '#')
    return 'error' in result ? { error: [result.error] } : result
  }
}

/** Every route of `app` and its children (fastify-entra-bff's included) validates with compileRouteSchema. */
export function registerRouteSchemas(app: FastifyInstance) {
  app.setValidatorCompiler(({ schema }: { schema: FastifySchema }) => compileRouteSchema(schema))
}
