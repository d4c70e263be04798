import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { loggerOptions } from '../../src/lib/logger.ts'

function capture() {
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const options = loggerOptions('info', 'test') as pino.LoggerOptions
  return { lines, logger: pino(options, stream) }
}

t.test('authorization headers, cookies and tokens are redacted from log lines', async (t) => {
  const { lines, logger } = capture()
  logger.info({
    req: { method: 'GET', url: '/profile?code=leak', headers: { authorization: 'Bearer eyJhbGciOi.secret.sig', cookie: 'session=abc' } },
    body: { access_token: 'at-value', refresh_token: 'rt-value', id_token: 'id-value', client_secret: 's3cret', password: 'pw' },
  }, 'request')
  const line = lines.join('')
  for (const secret of ['eyJhbGciOi', 'session=abc', 'code=leak', 'at-value', 'rt-value', 'id-value', 's3cret', '"pw"']) t.notMatch(line, secret)
  t.match(line, /\[redacted\]/)
})

t.test('request URLs are logged without their query string (codes and state travel there)', async (t) => {
  const options = loggerOptions('info', 'test') as { serializers: { req(request: unknown): { url: string } } }
  t.equal(options.serializers.req({ method: 'GET', url: '/auth/redirect?code=abc&state=xyz', id: 'r1' }).url, '/auth/redirect')
})

t.test("request log lines carry the client's address (request.ip: X-Forwarded-For from a trusted proxy)", async (t) => {
  const options = loggerOptions('info', 'test') as { serializers: { req(request: unknown): { remoteAddress: string } } }
  t.equal(options.serializers.req({ method: 'GET', url: '/', id: 'r1', ip: '203.0.113.7' }).remoteAddress, '203.0.113.7')
})
