import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

// Telemetry costs nothing when it is not configured: the three roles' modules load and
// telemetry "starts" without one module of the OpenTelemetry SDK, exporters or instrumentations.

const root = fileURLToPath(new URL('../../../', import.meta.url))

/** Every module URL a fresh process resolves while it loads the roles and starts telemetry with `env`. */
async function modulesLoaded(env: Record<string, string>): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module'
    const loaded = []
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); loaded.push(result.url); return result } })
    await import('./src/bff/app.ts')
    await import('./src/profile-service/app.ts')
    await import('entra-local-tenant')
    const { startTelemetry } = await import('./src/lib/telemetry/telemetry.ts')
    const telemetry = await startTelemetry(process.env, ['bff'])
    await telemetry.shutdown()
    process.stdout.write(JSON.stringify(loaded))
  `
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'METRICS_PORT'))
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...clean, ...env } })
  return JSON.parse(stdout)
}

const sdkModule = /@opentelemetry\/(sdk-|exporter-|instrumentation|resources|otlp-)|@fastify\/otel/

t.test('without OTEL_* exporters or METRICS_PORT no OpenTelemetry SDK module is imported', async (t) => {
  const loaded = await modulesLoaded({})
  t.ok(loaded.some((url) => url.includes('/src/bff/app.ts')), 'the roles were loaded')
  t.same(loaded.filter((url) => sdkModule.test(url)), [])
})

t.test('with an OTLP endpoint the SDK, its exporter and the instrumentations are imported', async (t) => {
  const loaded = await modulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'none' })
  for (const name of ['@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http', '@fastify/otel', '@opentelemetry/instrumentation-undici']) {
    t.ok(loaded.some((url) => url.includes(`/node_modules/${name}/`)), name)
  }
})
