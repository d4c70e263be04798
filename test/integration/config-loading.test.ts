import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

// Checking the configuration at boot compiles no schema: env-check.ts applies the environment
// schema itself, so neither env-schema nor Ajv is imported for it (issue 27: ~120 ms, ~10 MB).

const root = fileURLToPath(new URL('../../', import.meta.url))

t.test('the configuration check at boot imports no schema compiler, for valid and invalid environments', async (t) => {
  const script = `
    import { registerHooks } from 'node:module'
    const loaded = []
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); loaded.push(result.url); return result } })
    const { checkConfiguration } = await import('./src/config/check-configuration.ts')
    checkConfiguration({}, ['bff'])
    try { checkConfiguration({ BFF_PORT: 'many', PROFILE: 'cloud' }, ['bff']) } catch (error) { loaded.push('refused: ' + error.message) }
    process.stdout.write(JSON.stringify(loaded))
  `
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root })
  const loaded = JSON.parse(stdout) as string[]
  t.ok(loaded.some((url) => url.includes('/src/config/env-check.ts')), 'the environment was checked')
  t.match(loaded.at(-1), /BFF_PORT is not valid: expected a whole number/, 'and an invalid one refused with the same words')
  t.same(loaded.filter((url) => /\/node_modules\/(ajv|ajv-formats|env-schema)\//.test(url)), [])
})
