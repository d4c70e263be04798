import { checkConfiguration } from '../../src/config/check-configuration.ts'
import { redisConnectionOf } from '../../src/config/redis-config.ts'
import { createRedisConnection } from '../../packages/fastify-entra-bff/src/stores/redis-connection.ts'

// The BFF's Redis connection, built from this process's environment exactly as the BFF builds it
// at boot, in a process of its own: a test runs it where the BFF would run (inside a network
// namespace whose names are a compose file's services).
//   node --conditions=entra-source test/helpers/redis-probe-cli.ts set <key> <value>
//   node --conditions=entra-source test/helpers/redis-probe-cli.ts get <key>
// Prints the value read (or OK) on stdout; exit 1 with the error on stderr.

const [command, key, value] = process.argv.slice(2)
const { env } = checkConfiguration(process.env, ['bff'])
const config = redisConnectionOf(env)
if (!config) throw new Error('no Redis configured')
const connection = await createRedisConnection(config, { onError: () => {} })
try {
  await connection.connect()
  const answer = command === 'set' ? await connection.client.set(key, value) : await connection.client.get(key)
  process.stdout.write(`${answer}\n`)
} finally {
  await connection.close()
}
