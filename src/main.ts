import { enableCompileCache } from 'node:module'
import type { RunningRoles } from './start-roles.ts'

// Start-up is mostly module loading: V8's compiled code is cached on disk (NODE_COMPILE_CACHE, or
// the OS temp directory), so every start after the first on a host loads ~30 % faster. Enabled
// before anything else is imported; a cache that cannot be written is skipped silently.
enableCompileCache()
const [{ default: closeWithGrace }, { checkConfiguration }, { startRoles }, { startTelemetry }, { developerConsole }] = await Promise.all([
  import('close-with-grace'), import('./config/check-configuration.ts'), import('./start-roles.ts'), import('./lib/telemetry/telemetry.ts'),
  import('./lib/developer-console.ts'),
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

/** The banner in one line, shown again under the request lines whenever the log goes quiet. */
function reminder(running: RunningRoles): string {
  const bff = running.urls.find(({ role }) => role === 'bff')
  const parts = [bff ? `Open ${bff.url}` : running.urls.map(({ role, url }) => `${role} ${url}`).join(', ')]
  if (running.tenant) parts.push(`demo ${running.tenant.demoUser.email} / ${running.tenant.demoUser.password}`, `MFA codes ${running.tenant.httpOrigin}/mailbox`)
  return `  ── ${parts.join(' · ')} · Ctrl-C stops\n`
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
  if (process.stdout.isTTY) developerConsole.remindAfterActivity(reminder(running))
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) process.stderr.write(`Stopping after an error: ${err.message}\n`)
    await running.close()
    await telemetry.shutdown()
  })
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exitCode = 1
}
