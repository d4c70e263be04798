import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AccessToken, TokenCredential } from '@azure/identity'
import type { Test } from 'tap'
import { createClient } from 'redis'
import { createHttpAgent } from '../../packages/fastify-entra-bff/src/http-agent.ts'
import { createMsalApp } from '../../packages/fastify-entra-bff/src/msal-app.ts'
import { fetchTenantMetadata } from '../../packages/fastify-entra-bff/src/tenant-metadata.ts'
import type { LocalTenant } from 'entra-local-tenant'
import { freePort } from '../../harness/ports.ts'
import { answersPing, hasRedisServer, startRedisProcess } from './redis-process.ts'

// Azure Managed Redis' Entra authentication, offline: the local tenant issues app tokens
// (client_credentials, msal-node with the tenant's CA trusted, as the BFF's own msal is), and a
// real redis-server whose ACL this helper keeps in step with them, as Azure does: user = the
// token's `oid`, password = the token, accepted until it expires. The default user is off, so
// nothing gets in without a current token.

export interface EntraRedis {
  url: string
  /** AUTH commands the server has run (each connection's first AUTH and every re-AUTH). */
  authCalls(): Promise<number>
  /** Drops the passwords of expired tokens and, like Azure, closes the connections still using one. */
  expireTokens(now?: number): Promise<number>
  /** A token was issued: its holder may AUTH with it until it expires. */
  allow(token: string): Promise<void>
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { oid: string; exp: number }

export async function startEntraRedis(t: Test): Promise<EntraRedis | undefined> {
  if (!hasRedisServer(t)) return undefined
  const dir = await mkdtemp(join(tmpdir(), 'redis-entra-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  await startRedisProcess(t, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'], port, () => answersPing(url))
  const adminPassword = 'admin-of-this-test-only'
  const admin = createClient({ url, socket: { reconnectStrategy: false } })
  admin.on('error', () => {})
  await admin.connect()
  await admin.sendCommand(['ACL', 'SETUSER', 'test-admin', 'on', `>${adminPassword}`, '~*', '&*', '+@all'])
  await admin.auth({ username: 'test-admin', password: adminPassword })
  await admin.sendCommand(['ACL', 'SETUSER', 'default', 'off'])
  t.teardown(() => admin.close())
  const live = new Map<string, { oid: string; expiresAt: number }>()
  return {
    url,
    async authCalls() {
      const stats = await admin.info('commandstats')
      return Number(/cmdstat_auth:calls=(\d+)/.exec(stats)?.[1] ?? 0)
    },
    async allow(token) {
      const { oid, exp } = claimsOf(token)
      live.set(token, { oid, expiresAt: exp * 1000 })
      await admin.sendCommand(['ACL', 'SETUSER', oid, 'on', `>${token}`, '~*', '&*', '+@all'])
    },
    async expireTokens(now = Date.now()) {
      let expired = 0
      for (const [token, { oid, expiresAt }] of live) {
        if (expiresAt > now) continue
        live.delete(token)
        expired++
        await admin.sendCommand(['ACL', 'SETUSER', oid, `<${token}`])
        // Azure closes a connection whose token expired unless it re-AUTHed: here every
        // connection of the identity whose current password set no longer holds its token.
        if (![...live.values()].some((entry) => entry.oid === oid)) await admin.sendCommand(['CLIENT', 'KILL', 'USER', oid]).catch(() => {})
      }
      return expired
    },
  }
}

/**
 * A TokenCredential fed by msal-node against the local tenant: the service app's client
 * credentials, the tenant's CA trusted. `issued` sees each token before the provider does (the
 * ACL is updated first, as Azure knows every token Entra issues); `refuse` makes the next requests
 * fail as an unreachable issuer would.
 */
export async function localTenantCredential(tenant: LocalTenant, issued: (token: string) => Promise<void>) {
  const dispatcher = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  const metadata = await fetchTenantMetadata(tenant.authority, dispatcher)
  const app = await createMsalApp({
    tenant: { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] },
    clientId: tenant.apps.profileService.clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps.profileService.clientSecret },
    dispatcher, authorityMetadata: metadata.raw,
  })
  const state = { tokens: 0, refusing: false }
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      if (state.refusing) throw new Error('the token issuer cannot be reached')
      // The local tenant knows Graph, not Azure Redis: the scope is the only difference.
      const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'], skipCache: true })
      if (!result) throw new Error('no token')
      await issued(result.accessToken)
      state.tokens++
      return { token: result.accessToken, expiresOnTimestamp: claimsOf(result.accessToken).exp * 1000 }
    },
  }
  return { credential, state }
}
