import { readFileSync } from 'node:fs'
import { buildApp } from './app.ts'

// Starts the example from the environment: the tenant, the app registration and the API's scope.
// `node server.ts` on Node 24 (its type stripping runs this file as it is).

const need = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set (see README.md)`)
  return value
}

const port = Number(process.env.PORT ?? 3000)
const app = await buildApp({
  apiScope: need('API_SCOPE'),
  entra: {
    tenant: {
      authority: need('ENTRA_AUTHORITY'),
      extraCaPem: process.env.ENTRA_CA_FILE ? [readFileSync(process.env.ENTRA_CA_FILE, 'utf8')] : [],
    },
    clientId: need('ENTRA_CLIENT_ID'),
    credential: { kind: 'secret', clientSecret: need('ENTRA_CLIENT_SECRET') },
    publicOrigin: process.env.PUBLIC_ORIGIN ?? `http://localhost:${port}`,
    session: { secrets: [need('SESSION_SECRET')] },
  },
})
await app.listen({ host: '127.0.0.1', port })
process.stdout.write(`listening on ${process.env.PUBLIC_ORIGIN ?? `http://localhost:${port}`}\n`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close())
