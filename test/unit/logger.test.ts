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

t.test("behind a trusted proxy, request log lines show the client's address, not the proxy's", async (t) => {
  const { default: Fastify } = await import('fastify')
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const app = Fastify({ logger: { ...(loggerOptions('info', 'test') as object), stream }, trustProxy: ['127.0.0.1'] })
  app.get('/', async () => 'ok')
  t.teardown(() => app.close())
  await app.inject({ url: '/', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' } })
  const incoming = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'incoming request')
  t.equal(incoming?.req.remoteAddress, '203.0.113.7')
})
