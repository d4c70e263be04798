import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { writeProxyCertificate } from 'entra-local-tenant'
import { hasPrerequisites } from '../helpers/prerequisites.ts'

// The nginx configuration compose.yaml and compose.entra.yaml mount, loaded by a real nginx
// (`nginx -t`). Debian's nginx-light is older than the image's nginx 1.28, so only what 1.22 lacks
// is adapted: `http2 on` and the upstream's `resolve`; Docker's service names become loopback and
// container paths a temp folder. Everything else is the shipped file.

const run = promisify(execFile)
// stdout to /dev/null: Node's child stdio are sockets, which nginx cannot open as /dev/stdout (a container's are pipes).
const nginxTest = (conf: string) => run('sh', ['-c', 'exec nginx -t -c "$0" >/dev/null', conf])
const shipped = new URL('../../deploy/compose/nginx/', import.meta.url).pathname

async function loadable(dir: string, sites: string[]) {
  await mkdir(join(dir, 'sites'), { recursive: true })
  const tls = join(dir, 'tls')
  await writeProxyCertificate(join(dir, 'tenant'), tls, ['localhost', 'login.localhost'])
  const main = (await readFile(join(shipped, 'nginx.conf'), 'utf8'))
    .replaceAll('/tmp/', `${dir}/`)
    .replace('include /etc/nginx/sites/', `include ${dir}/sites/`)
  await writeFile(join(dir, 'nginx.conf'), main)
  for (const site of sites) {
    const text = (await readFile(join(shipped, site), 'utf8'))
      .replaceAll('/etc/nginx/tls/', `${tls}/`)
      .replace(/^\s*http2 on;$/m, '')
      .replace(' resolve;', ';')
      .replace('server bff:3000', 'server 127.0.0.1:3000')
      .replace('http://tenant:80', 'http://127.0.0.1:3100')
    await writeFile(join(dir, 'sites', site), text)
  }
  return nginxTest(join(dir, 'nginx.conf')).then(({ stderr }) => ({ ok: true, output: stderr }), (error: { stderr: string }) => ({ ok: false, output: error.stderr }))
}

for (const [file, sites] of [['compose.yaml', ['bff.conf', 'local-tenant.conf']], ['compose.entra.yaml', ['bff.conf']]] as const) {
  t.test(`the nginx configuration of ${file} loads in nginx`, async (t) => {
    if (!hasPrerequisites(t, { commands: ['nginx'], install: 'apt-get install nginx-light' })) return
    const dir = await mkdtemp(join(tmpdir(), 'compose-nginx-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const result = await loadable(dir, [...sites])
    t.ok(result.ok, `nginx -t passes${result.ok ? '' : `\n${result.output}`}`)
    t.match(result.output, /test is successful/)
  })
}

t.test('a broken directive fails the same check (it is not vacuous)', async (t) => {
  if (!hasPrerequisites(t, { commands: ['nginx'], install: 'apt-get install nginx-light' })) return
  const dir = await mkdtemp(join(tmpdir(), 'compose-nginx-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await loadable(dir, ['bff.conf'])
  const site = join(dir, 'sites', 'bff.conf')
  await writeFile(site, (await readFile(site, 'utf8')).replace('proxy_connect_timeout', 'proxy_conect_timeout'))
  const result = await nginxTest(join(dir, 'nginx.conf')).then(() => '', (error: { stderr: string }) => error.stderr)
  t.match(result, /unknown directive "proxy_conect_timeout"/)
})

t.test('the proxy overwrites the forwarding headers the BFF trusts', async (t) => {
  const bff = await readFile(join(shipped, 'bff.conf'), 'utf8')
  t.match(bff, /proxy_set_header X-Forwarded-Proto https;/)
  t.match(bff, /proxy_set_header X-Forwarded-For \$remote_addr;/, 'the client address, not a list a client could seed')
  t.notMatch(bff, /proxy_add_x_forwarded_for/)
  t.match(bff, /return 308 https:\/\/\$host\$request_uri;/, 'plain http is redirected to https')
})
