import { Ajv } from 'ajv'
import t from 'tap'
import { compileRouteSchema } from '../../../src/bff/plugins/route-schemas.ts'

// route-schemas.ts checks the BFF's route schemas instead of Fastify's Ajv: for the shapes those
// routes use, it must give the same verdict, the same coerced data and the same first error as
// Ajv with the options Fastify gives it (@fastify/ajv-compiler's defaults).

const ajv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: true, addUsedSchema: false, allErrors: false })

// The shapes of the BFF's and fastify-entra-bff's route schemas.
const schemas = {
  returnTo: { type: 'object', properties: { returnTo: { type: 'string', maxLength: 16 } } },
  redirect: { type: 'object', properties: { code: { type: 'string' }, state: { type: 'string' }, error: { type: 'string' } } },
  languageParams: { type: 'object', properties: { code: { type: 'string', maxLength: 4 } }, required: ['code'] },
  csrfForm: { type: 'object', properties: { _csrf: { type: 'string' } } },
  saveBody: { type: 'object', properties: { _csrf: {}, displayName: {}, 'keep-displayName': {} } },
} as const

const values: unknown[] = [
  'text', '', 'x'.repeat(16), 'x'.repeat(17), '😀'.repeat(16), '😀'.repeat(17), 'é\u0301'.repeat(8), 'ü'.repeat(17),
  0, 12.5, true, false, null, ['one'], ['one', 'two'], [], [3], {}, { nested: 'x' },
]

function byAjv(schema: object, data: unknown) {
  const validate = ajv.compile(schema)
  const copy = structuredClone(data)
  if (validate(copy)) return { value: copy }
  const [error] = validate.errors ?? []
  return { error: { instancePath: error?.instancePath, keyword: error?.keyword, params: error?.params, message: error?.message } }
}

function byRouteSchemas(schema: object, data: unknown) {
  const result = compileRouteSchema(schema)(structuredClone(data))
  if ('value' in result) return { value: result.value }
  const [error] = result.error
  return { error: { instancePath: error?.instancePath, keyword: error?.keyword, params: error?.params, message: error?.message } }
}

t.test('each route schema shape gives the same verdict, coerced data and first error as Fastify\'s Ajv', async (t) => {
  let compared = 0
  for (const [name, schema] of Object.entries(schemas)) {
    const properties = Object.keys(schema.properties)
    const inputs: unknown[] = [undefined, null, 'text', [], {}]
    for (const property of properties) for (const value of values) inputs.push({ [property]: value })
    for (const value of values) inputs.push(Object.fromEntries(properties.map((property) => [property, value])))
    inputs.push({ other: 'kept', [properties[0]]: 'x' })
    for (const input of inputs) {
      // Fastify hands a validator null for an absent part.
      const data = input === undefined ? null : input
      t.same(byRouteSchemas(schema, data), byAjv(schema, data), `${name}: ${JSON.stringify(data)}`)
      compared++
    }
  }
  t.ok(compared > 150, `${compared} inputs compared`)
})

t.test('a schema with a keyword it does not apply fails when the route is registered, naming it', async (t) => {
  t.throws(() => compileRouteSchema({ type: 'object', properties: { n: { type: 'integer' } } }), /type "integer" is not supported/)
  t.throws(() => compileRouteSchema({ type: 'object', additionalProperties: false }), /"additionalProperties" is not supported/)
  t.throws(() => compileRouteSchema({ type: 'object', properties: { s: { type: 'string', pattern: '^a' } } }), /\/properties\/s: "pattern" is not supported/)
  t.throws(() => compileRouteSchema('string'), /not a schema object/)
})
