import { connect } from 'node:net'
import { connect as connectTls } from 'node:tls'
import t from 'tap'
import { startTestBff } from '../helpers/bff.ts'
import { startTestTenant } from '../helpers/local-tenant.ts'
import { startTestProfileService } from '../helpers/profile-service.ts'

// A client that sends headers, then never finishes its body, must not hold a connection open:
// every role cuts it off at its request timeout (Node answers 408 and closes).

const timeouts = { requestMs: 600, headersMs: 400, keepAliveMs: 1_000, responseMs: 5_000 }
const giveUpAfterMs = 10_000 // far above the timeout, far below "never" (the old behaviour)

interface Stalled { answer: string }

/** Sends a POST announcing 100 bytes of body, sends 10, and waits for the server to hang up. */
function stallBody(origin: string, method: string, path: string): Promise<Stalled> {
  const url = new URL(origin)
  return new Promise((resolve, reject) => {
    const onConnect = () => socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=start`)
    const socket = url.protocol === 'https:'
      ? connectTls({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false }, onConnect)
      : connect(Number(url.port), url.hostname, onConnect)
    let answer = ''
    const guard = setTimeout(() => {
      socket.destroy()
      reject(new Error(`${origin}${path} kept a stalled request open for ${giveUpAfterMs} ms`))
    }, giveUpAfterMs)
    socket.on('data', (chunk) => (answer += String(chunk)))
    socket.on('close', () => {
      clearTimeout(guard)
      resolve({ answer })
    })
    socket.on('error', () => {})
  })
}

t.test('a stalled request body is cut off by each role', async (t) => {
  const tenant = await startTestTenant(t, { timeouts })
  const service = await startTestProfileService(t, tenant, { timeouts })
  const bff = await startTestBff(t, tenant, service.url, { config: { timeouts } })

  const targets = [
    ['BFF', bff.url, 'POST', '/profile'],
    // The service checks the bearer token before it reads a body: it answers 401 at once, then
    // still closes the connection whose body never arrives.
    ['edit profile service', service.url, 'PATCH', '/me'],
    ['local tenant pages', tenant.httpOrigin, 'POST', '/'],
    ['local tenant back channel', new URL(tenant.authority).origin, 'POST', `${new URL(tenant.authority).pathname}/oauth2/v2.0/token`],
  ] as const
  for (const [role, origin, method, path] of targets) {
    const stalled = await stallBody(origin, method, path)
    t.match(stalled.answer, role === 'edit profile service' ? /^HTTP\/1\.1 401/ : /^HTTP\/1\.1 408/, `${role} answers and hangs up`)
  }
})

t.test('a client that never finishes its headers is cut off', async (t) => {
  const tenant = await startTestTenant(t, { timeouts })
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { config: { timeouts } })
  const url = new URL(bff.url)
  const closed = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(url.port), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: '))
    const guard = setTimeout(() => { socket.destroy(); resolve(false) }, giveUpAfterMs)
    socket.on('close', () => { clearTimeout(guard); resolve(true) })
    socket.on('error', () => {})
    socket.resume()
  })
  t.ok(closed, 'the connection is closed')
})

t.test('a slow upload past the response deadline gets one 504 and the connection closes, never a stray 408 after it', async (t) => {
  // The response deadline comes first here, as with the defaults (20 s answer, 30 s request).
  const uploadTimeouts = { requestMs: 2_000, headersMs: 1_000, keepAliveMs: 5_000, responseMs: 300 }
  const tenant = await startTestTenant(t, { timeouts: uploadTimeouts })
  const bff = await startTestBff(t, tenant, 'http://127.0.0.1:9', { config: { timeouts: uploadTimeouts } })
  const stalled = await stallBody(bff.url, 'POST', '/profile')
  const statusLines = stalled.answer.match(/^HTTP\/1\.1 \d{3}/gm) ?? []
  t.same(statusLines, ['HTTP/1.1 504'], 'one answer on the socket: our 504, then the server hung up')
  t.match(stalled.answer, /connection: close/i, 'and said it would')
})
