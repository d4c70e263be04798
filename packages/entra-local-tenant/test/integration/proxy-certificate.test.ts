import { execFile } from 'node:child_process'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { request, Agent } from 'undici'

// compose.yaml's proxy-certificate service runs this CLI before the proxy starts.

const run = promisify(execFile)
const cli = new URL('../../src/proxy-certificate.ts', import.meta.url).pathname

t.test('the proxy certificate is issued by the local tenant CA for the names asked for, and a client trusting only that CA accepts it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-certificate-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const dataDir = join(dir, 'tenant')
  const outDir = join(dir, 'tls')
  const { stdout } = await run(process.execPath, [cli, outDir, 'localhost', 'login.localhost'], { env: { PATH: process.env.PATH, LOCAL_TENANT_DATA_DIR: dataDir } })
  t.match(stdout, /Wrote .*tls\.crt and tls\.key for localhost, login\.localhost/)

  const certificatePem = await readFile(join(outDir, 'tls.crt'), 'utf8')
  const keyPem = await readFile(join(outDir, 'tls.key'), 'utf8')
  const caPem = await readFile(join(dataDir, 'ca.crt'), 'utf8')
  const certificate = new X509Certificate(certificatePem)
  t.ok(certificate.verify(new X509Certificate(caPem).publicKey), 'signed by the tenant CA in the data dir')
  t.ok(certificate.checkPrivateKey(createPrivateKey(keyPem)), 'tls.key belongs to tls.crt')
  t.match(certificate.subjectAltName, /DNS:localhost.*DNS:login\.localhost/)
  t.equal((await stat(join(outDir, 'tls.key'))).mode & 0o777, 0o600, 'the key is readable by its owner only')

  const server = createServer({ cert: certificatePem, key: keyPem }, (_request, response) => response.end('ok'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.address() as { port: number }).port
  const agent = new Agent({ connect: { ca: caPem, servername: 'login.localhost' } })
  t.teardown(() => agent.close())
  const response = await request(`https://127.0.0.1:${port}/`, { dispatcher: agent })
  t.equal(await response.body.text(), 'ok', 'TLS handshake verified against the CA for login.localhost')
})

t.test('the proxy certificate CLI without host names prints its usage and exits 2', async (t) => {
  const failure = await run(process.execPath, [cli, '/nonexistent']).then(() => undefined, (error: { code: number; stderr: string }) => error)
  t.equal(failure?.code, 2)
  t.match(failure?.stderr, /usage: node packages\/entra-local-tenant\/src\/proxy-certificate\.ts OUT_DIR HOSTNAME/)
})

t.test('the proxy certificate CLI reports a folder it cannot create and exits 1', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'proxy-certificate-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'a-file'), '')
  const failure = await run(process.execPath, [cli, join(dir, 'a-file', 'tls'), 'localhost'], { env: { PATH: process.env.PATH, LOCAL_TENANT_DATA_DIR: join(dir, 'tenant') } })
    .then(() => undefined, (error: { code: number; stderr: string }) => error)
  t.equal(failure?.code, 1)
  t.match(failure?.stderr, /a-file/)
})
