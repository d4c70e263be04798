// The container's HEALTHCHECK: exit 0 when the role on HEALTHCHECK_PORT answers /healthz.
const port = process.env.HEALTHCHECK_PORT ?? '3000'
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })
  process.exitCode = response.ok ? 0 : 1
} catch {
  process.exitCode = 1
}
