import Fastify from 'fastify'

// The yardstick of start-up (bench/start-up.ts): a plain Fastify app with one route, on the same
// Node, started the same way as the roles. JavaScript, so that no type stripping is loaded.

const app = Fastify()
app.get('/readyz', async () => ({ ready: true }))
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => app.close())
