import { Ajv } from 'ajv'
import t from 'tap'
import { applySchema, type PropertySchema, supportedKeywords } from '../../src/config/env-check.ts'
import { envSchema } from '../../src/config/env-schema.ts'

// env-check.ts replaces env-schema's Ajv at boot: the same schema must give the same defaults,
// coercions and errors. Ajv with env-schema's own options is the reference here.

const ajv = new Ajv({ allErrors: true, removeAdditional: true, useDefaults: true, coerceTypes: true, allowUnionTypes: true, addUsedSchema: false })
const validateWithAjv = ajv.compile(envSchema)
const properties: Record<string, PropertySchema> = envSchema.properties

// Text an operator might set: numbers in every spelling Ajv's coercion meets, booleans, enum
// members, and values of each pattern's shape, right and wrong.
const candidates = [
  'abc', '0', '1', '-1', '3.5', ' 8 ', '0x10', '1e3', '600', '601', '65535', '65536', 'NaN',
  'true', 'false', 'TRUE', 'local', 'entra', 'warn', 'password', 'ü', ' ',
  '00000000-0000-0000-0000-000000000000', '0000000-0000-0000-0000-000000000000',
  'contoso', 'Contoso', '-contoso', 'https://login.example/tenant', 'https://login.example', 'http://x',
  'https://app.example', 'https://app.example/path', 'redis://r:6379', 'rediss://a:1, rediss://b:2', 'redis://a,http://b',
  'a'.repeat(32), `${'a'.repeat(32)},${'b'.repeat(31)}`, 'f'.repeat(64), 'api://x/Profile.Write', 'c1', 'c0', 'c99', 'c100',
  `${'A'.repeat(43)}=`, 'mymaster', 'bff:', 'x'.repeat(65),
]

// The data is compared when it is valid: read-env.ts drops the value of a variable in error.
function ajvResult(data: Record<string, string>) {
  const copy: Record<string, unknown> = { ...data }
  if (validateWithAjv(copy)) return { data: copy, errors: [] }
  return { errors: (validateWithAjv.errors ?? []).map(({ instancePath, keyword }) => ({ instancePath, keyword })) }
}

function checkResult(data: Record<string, string>) {
  const copy: Record<string, unknown> = { ...data }
  const errors = applySchema(properties, copy).map(({ instancePath, keyword }) => ({ instancePath, keyword }))
  return errors.length === 0 ? { data: copy, errors } : { errors }
}

t.test('the schema uses only the keywords env-check applies', async (t) => {
  const used = new Set(Object.values(envSchema.properties).flatMap((schema) => Object.keys(schema)))
  t.same([...used].filter((keyword) => !(supportedKeywords as readonly string[]).includes(keyword)), [])
})

t.test('with nothing set, the defaults are those Ajv applies', async (t) => {
  t.same(checkResult({}), ajvResult({}))
})

t.test('every variable with every candidate value: the same value, coerced the same way, and the same errors as Ajv', async (t) => {
  let compared = 0
  for (const name of Object.keys(envSchema.properties)) {
    for (const value of candidates) {
      const mine = checkResult({ [name]: value })
      const reference = ajvResult({ [name]: value })
      if (!t.same(mine, reference, `${name}=${JSON.stringify(value)}`)) return
      compared++
    }
  }
  t.ok(compared > 1000, `${compared} cases compared`)
})

t.test('several invalid variables at once: every error, in the schema order, as Ajv reports them', async (t) => {
  const data = { BFF_PORT: '70000', PROFILE: 'cloud', SESSION_IDLE_MINUTES: 'soon', BFF_VIEW_CACHE: 'yes', TENANT_ID: 'x', LOG_LEVEL: 'warn' }
  t.same(checkResult(data), ajvResult(data))
})

t.test('a number too large to be finite is not a whole number (Ajv took "Infinity" and "1e400" for one)', async (t) => {
  for (const value of ['Infinity', '-Infinity', '1e400']) {
    t.same(checkResult({ BFF_PORT: value }).errors, [{ instancePath: '/BFF_PORT', keyword: 'type' }], value)
  }
})
