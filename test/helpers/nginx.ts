import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect as connectTls } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'

const nginxPath = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

export interface TlsProxy {
  /** https://localhost:<port> */
  origin: string
  port: number
  /** The throwaway self-signed certificate nginx serves (PEM file). */
  certificateFile: string
  /** Upstream address (host:port) that served each proxied request, in order, from the access log. */
  servedBy(): Promise<string[]>
}

/** A throwaway self-signed certificate for localhost, made with `openssl req -x509` in dir. */
function makeCertificate(dir: string) {
  const certificateFile = join(dir, 'proxy.crt')
  const keyFile = join(dir, 'proxy.key')
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-keyout', keyFile, '-out', certificateFile,
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'extendedKeyUsage=serverAuth',
  ], { encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`openssl could not make the proxy certificate: ${made.stderr}`)
  return { certificateFile, keyFile }
}

function nginxConfig(dir: string, port: number, upstreams: string[], tls: { certificateFile: string; keyFile: string }) {
  // One process (master_process off), no daemon, every path in the temp dir: nothing of the
  // machine's nginx is read or written, and the test stops exactly the process it started.
  return `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  log_format upstream '$upstream_addr $status $request_method $uri';
  access_log ${dir}/access.log upstream;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # Round robin (nginx's default): consecutive requests go to alternate replicas.
  upstream bff {
${upstreams.map((address) => `    server ${address};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port} ssl;
    server_name localhost;
    ssl_certificate ${tls.certificateFile};
    ssl_certificate_key ${tls.keyFile};
    location / {
      proxy_pass http://bff;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
    }
  }
}
`
}

/** A TLS handshake succeeds on the port: nginx itself answers, not another process that took the port. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTls({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false })
    socket.once('secureConnect', () => socket.end(() => resolve(true)))
    socket.once('error', () => resolve(false))
    socket.setTimeout(2_000, () => { socket.destroy(); resolve(false) })
  })
}

/**
 * Debian's nginx as the TLS-terminating reverse proxy of production, on a loopback port with a
 * throwaway certificate, round-robin in front of the given upstreams; stopped on teardown.
 * Without nginx: under CI=true the test fails; elsewhere it is skipped with the install command.
 */
export async function startTlsProxy(t: Test, port: number, upstreams: string[]): Promise<TlsProxy | undefined> {
  if (!existsSync(nginxPath)) {
    const message = `nginx not found at ${nginxPath}: install it with "apt-get install nginx-light" (or set NGINX_PATH)`
    if (process.env.CI === 'true') t.fail(message)
    else t.skip(message, () => {})
    return undefined
  }
  const dir = await mkdtemp(join(tmpdir(), 'nginx-'))
  const tls = makeCertificate(dir)
  const configFile = join(dir, 'nginx.conf')
  await writeFile(configFile, nginxConfig(dir, port, upstreams, tls))
  const nginx = spawn(nginxPath, ['-p', dir, '-e', join(dir, 'error.log'), '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  nginx.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => nginx.once('exit', () => resolve()))
  t.teardown(async () => {
    if (nginx.exitCode === null && nginx.signalCode === null) {
      nginx.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  })
  for (let i = 0; i < 200 && !(await acceptsConnections(port)); i++) {
    if (nginx.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (nginx.exitCode !== null || !(await acceptsConnections(port))) {
    const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
    throw new Error(`nginx did not start on port ${port}: ${stderr}${log}`)
  }
  return {
    origin: `https://localhost:${port}`,
    port,
    certificateFile: tls.certificateFile,
    async servedBy() {
      const log = await readFile(join(dir, 'access.log'), 'utf8')
      return log.split('\n').filter(Boolean).map((line) => line.split(' ')[0])
    },
  }
}
