import { randomBytes, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { bindTokenCache, rememberingBindingCheck, tokenCacheIsBound } from '../packages/fastify-entra-bff/src/stores/token-cache-binding.ts'

// The session plugin checks every signed-in request's token cache binding (an HMAC of the session
// id, the user and the key). This measures the check per request with and without the memory of
// verified bindings (rememberingBindingCheck): 1,000 sessions, each seen 100 times, as a replica
// sees its users' requests. `node --conditions=entra-source bench/binding-check.ts`

const sessions = 1_000
const requestsPerSession = 100
const secrets = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')]

const made = Array.from({ length: sessions }, () => {
  const session = {
    sessionId: randomUUID(),
    user: { account: { homeAccountId: `${randomUUID()}.tenant`, environment: 'login', tenantId: 'tenant', localAccountId: randomUUID(), username: 'user@example.test' }, name: 'User', oid: randomUUID() },
    tokenCacheKey: undefined as string | undefined,
    tokenCacheBinding: undefined as string | undefined,
  }
  bindTokenCache(session, randomUUID(), secrets)
  return session
})

function measure(name: string, check: (session: (typeof made)[number]) => boolean) {
  let accepted = 0
  const started = performance.now()
  for (let round = 0; round < requestsPerSession; round++) for (const session of made) if (check(session)) accepted += 1
  const micros = ((performance.now() - started) * 1000) / (sessions * requestsPerSession)
  if (accepted !== sessions * requestsPerSession) throw new Error(`${name}: ${accepted} accepted`)
  process.stdout.write(`${name.padEnd(34)} ${micros.toFixed(2)} µs per request\n`)
  return micros
}

for (let run = 1; run <= 3; run++) {
  process.stdout.write(`run ${run}\n`)
  const full = measure('  HMAC on every request', (session) => tokenCacheIsBound(session, secrets))
  const remembering = rememberingBindingCheck(secrets)
  const remembered = measure('  remembering verified bindings', remembering)
  process.stdout.write(`  ratio ${(full / remembered).toFixed(1)}×\n`)
}
