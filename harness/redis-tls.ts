import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './ports.ts'
import { answersPing, type RedisProcess, startRedisProcess, type Teardown } from './redis-process.ts'

// A real redis-server that speaks TLS only (no plain port) and asks every client for a certificate
// (mTLS), with a throwaway CA made by openssl in a temp dir: the files REDIS_CA_FILE,
// REDIS_CLIENT_CERT_FILE and REDIS_CLIENT_KEY_FILE name. Stopped by pid in teardown.

const run = promisify(execFile)

export interface TestRedisTls {
  url: string
  caFile: string
  clientCertFile: string
  clientKeyFile: string
  server: RedisProcess
}

/** An EC key and a certificate for this subject, signed by the CA (or self-signed as the CA). */
async function issue(dir: string, name: string, subject: string, extensions: string, ca?: { cert: string; key: string }) {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.crt`)
  const ext = join(dir, `${name}.ext`)
  await writeFile(ext, extensions)
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key])
  if (!ca) {
    await run('openssl', ['req', '-x509', '-new', '-key', key, '-out', cert, '-days', '1', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
    return { key, cert }
  }
  const csr = join(dir, `${name}.csr`)
  await run('openssl', ['req', '-new', '-key', key, '-out', csr, '-subj', subject])
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext])
  return { key, cert }
}

export async function startRedisTls(t: Teardown): Promise<TestRedisTls> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-tls-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const ca = await issue(dir, 'ca', '/CN=Throwaway Redis test CA', '')
  const server = await issue(dir, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n', ca)
  const client = await issue(dir, 'client', '/CN=bff', 'extendedKeyUsage=clientAuth\n', ca)
  const port = await freePort()
  const url = `rediss://127.0.0.1:${port}`
  const tlsSocket = { tls: true, ca: await readFile(ca.cert, 'utf8'), cert: await readFile(client.cert, 'utf8'), key: await readFile(client.key, 'utf8') }
  const process = await startRedisProcess(t, [
    '--bind', '127.0.0.1', '--port', '0', '--tls-port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no',
    '--tls-cert-file', server.cert, '--tls-key-file', server.key, '--tls-ca-cert-file', ca.cert, '--tls-auth-clients', 'yes',
  ], port, () => answersPing(url, tlsSocket))
  return { url, caFile: ca.cert, clientCertFile: client.cert, clientKeyFile: client.key, server: process }
}
