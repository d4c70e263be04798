import { connect } from 'node:net'
import t from 'tap'
import { BffBrowser, bffConfig } from '../../helpers/bff.ts'
import { startBffProcess } from '../../helpers/bff-process.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { freePort } from '../../../harness/ports.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'

// The BFF runs as its own process at the most talkative log level through sign-in, step-up,
// save and sign-out; everything it writes is searched for token content, authorization codes,
// the client secret and the session cookie.

const jwtShape = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/
const htmx = { htmx: true }

/** A request whose headers are too large for Node's parser (431), carrying the live session cookie. */
function sendOversizedRequest(port: number, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /profile?code=query-secret HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nX-Padding: ${'p'.repeat(20_000)}\r\n\r\n`)
    })
    let answer = ''
    socket.on('data', (chunk) => (answer += String(chunk)))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

/** Log text with every byte array (a serialised Buffer or Uint8Array) decoded back to text. */
function withByteArraysDecoded(log: string): string {
  return log + log.replace(/\[(\d{1,3}(?:,\d{1,3}){15,})\]/g, (_, bytes: string) => Buffer.from(bytes.split(',').map(Number)).toString('latin1'))
}

t.test('at trace level the BFF logs requests but never a token, code, secret or session cookie', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const port = await freePort()
  const config = bffConfig(tenant, port, service.url, { logLevel: 'trace' })
  tenant.testing.registerRedirectUris(tenant.apps.bff.clientId, { redirectUris: [config.redirectUri], postLogoutRedirectUris: [config.postLogoutRedirectUri] })
  // No OTEL_* variables: telemetry stays off, as in a default deployment.
  const bff = await startBffProcess(t, config)

  const browser = new BffBrowser(config.publicOrigin, tenant)
  const authorize = (path: string) => browser.authorize(path)
  const codes = browser.authorizationCodes
  t.equal((await authorize('/auth/sign-in?returnTo=%2Fprofile')).location, '/profile')
  t.equal((await browser.get('/profile')).status, 200)
  t.equal((await browser.get('/profile/editor', htmx)).status, 401)
  t.equal((await authorize('/auth/step-up')).location, '/profile?edit=1')
  await browser.get('/profile?edit=1')
  t.equal((await browser.send('PATCH', '/profile', { ...htmx, form: { displayName: 'Logged Name', givenName: 'Logged', surname: 'Name' } })).status, 200)
  t.equal((await browser.get('/claims')).status, 200)
  const sessionCookie = [...browser.cookies.values()][0]
  const cookieHeader = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  t.match(await sendOversizedRequest(port, cookieHeader), /^HTTP\/1\.1 431/, 'oversized headers are refused')
  t.equal((await browser.send('POST', '/auth/sign-out')).status, 303)

  await bff.stop()
  const log = withByteArraysDecoded(bff.output.join('\n'))
  t.match(log, /client header_overflow/, 'the refused request is logged')
  t.match(log, /incoming request/, 'requests are logged')
  t.match(log, /"url":"\/auth\/redirect"/, 'the callback is logged without its query string')
  t.notMatch(log, jwtShape, 'no JWT-shaped text')
  t.equal(codes.length, 2, 'the sign-in and step-up codes were recorded')
  t.notOk(codes.some((code) => log.includes(code)), 'no authorization code')
  t.notOk(log.includes(tenant.apps.bff.clientSecret), 'not the client secret')
  t.notOk(log.includes(sessionCookie.split('.')[0]), 'not the session id')
  t.notOk(log.includes('query-secret'), 'not the query string of a refused request')
  t.notMatch(log, /rawPacket/, 'never the raw bytes of a request')
})
