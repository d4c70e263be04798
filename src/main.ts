import { enableCompileCache } from 'node:module'
import type { RunningRoles } from './start-roles.ts'

// Start-up is mostly module loading: V8's compiled code is cached on disk (NODE_COMPILE_CACHE, or
// the OS temp directory), so every start after the first on a host loads ~30 % faster. Enabled
// before anything else is imported; a cache that cannot be written is skipped silently.
enableCompileCache()
const [{ default: closeWithGrace }, { checkConfiguration }, { startRoles }, { startTelemetry }] = await Promise.all([
  import('close-with-grace'), import('./config/check-configuration.ts'), import('./start-roles.ts'), import('./lib/telemetry/telemetry.ts'),
])

// `npm start [-- role ...]`: all roles of the profile by default; see README "Run it" and docs/deploy.md.

function banner(running: RunningRoles): string {
  const lines = running.urls.map(({ role, url }) => `  ${role.padEnd(16)} ${url}`)
  if (running.tenant) {
    const { demoUser, httpOrigin } = running.tenant
    lines.push('', `  Demo account:    ${demoUser.email} / ${demoUser.password}`, `  MFA codes:       ${httpOrigin}/mailbox`)
  }
  const bff = running.urls.find(({ role }) => role === 'bff')
  if (bff) lines.unshift(`Open ${bff.url} in your browser.`, '')
  return `${lines.join('\n')}\n\nPress Ctrl-C to stop.\n`
}

try {
  // Every configuration problem at once, before any role is built or listens.
  const { env, roles } = checkConfiguration(process.env, process.argv.slice(2))
  // Before the roles: their build functions register the request spans and metrics.
  const telemetry = await startTelemetry(process.env, roles)
  const running = await startRoles(roles, env).catch(async (error) => {
    await telemetry.shutdown()
    throw error
  })
  process.stdout.write(banner(running))
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) process.stderr.write(`Stopping after an error: ${err.message}\n`)
    await running.close()
    await telemetry.shutdown()
  })
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exitCode = 1
}
