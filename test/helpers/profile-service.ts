import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import type { ProfileServiceConfig } from '../../src/config/types.ts'
import type { LocalTenant } from 'entra-local-tenant'
import { buildProfileService } from '../../src/profile-service/app.ts'
import { msalClientFor, signInWithCode } from '../../harness/msal-client.ts'
import type { TenantCookieJar } from '../../harness/tenant-pages.ts'

export function profileServiceConfig(tenant: LocalTenant, overrides: Partial<ProfileServiceConfig> = {}): ProfileServiceConfig {
  return {
    host: '127.0.0.1', port: 0,
    tenant: { authority: tenant.authority, knownAuthority: tenant.knownAuthority, extraCaPem: [tenant.caCertificatePem] },
    clientId: tenant.apps.profileService.clientId,
    credential: { kind: 'secret', clientSecret: tenant.apps.profileService.clientSecret },
    requiredScope: 'EditProfileService.ReadWrite',
    graphBaseUrl: tenant.graphBaseUrl,
    logLevel: 'silent',
    ...overrides,
  }
}

/** The real edit profile service on a free port, closed on teardown. */
export async function startTestProfileService(t: Test, tenant: LocalTenant, overrides: Partial<ProfileServiceConfig> = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildProfileService(profileServiceConfig(tenant, overrides))
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }
}

/**
 * A real token for the service, as the BFF gets it: the demo user signs in on the tenant's
 * pages for the service scope (the CA policy makes that include the emailed code).
 */
export async function userTokenForService(tenant: LocalTenant, options: { claims?: string; jar?: TenantCookieJar } = {}) {
  const client = msalClientFor(tenant, { clientId: tenant.apps.bff.clientId, clientSecret: tenant.apps.bff.clientSecret })
  const { result, jar } = await signInWithCode(tenant, client, tenant.demoUser, {
    scopes: [tenant.apps.profileService.scope], claims: options.claims, jar: options.jar,
  })
  return { accessToken: result.accessToken, jar, client, account: result.account! }
}
