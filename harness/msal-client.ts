import { ConfidentialClientApplication, CryptoProvider, type Configuration } from '@azure/msal-node'
import { createHttpAgent } from 'fastify-entra-bff'
import { createMsalNetworkClient } from '../packages/fastify-entra-bff/src/msal-network-client.ts'
import type { LocalTenant } from 'entra-local-tenant'
import { followAuthorize, type PageUser, type TenantCookieJar } from './tenant-pages.ts'

/** A real msal-node confidential client for an app of the local tenant, trusting its CA. */
export function msalClientFor(tenant: LocalTenant, auth: Configuration['auth']): ConfidentialClientApplication {
  const agent = createHttpAgent({ extraCaPem: [tenant.caCertificatePem] })
  return new ConfidentialClientApplication({
    auth: { authority: tenant.authority, knownAuthorities: [tenant.knownAuthority], ...auth },
    system: { networkClient: createMsalNetworkClient(agent) },
  })
}

export const redirectUri = 'http://localhost:3000/auth/redirect'

/**
 * The full browser flow with PKCE and nonce, through the tenant's pages: sign in and redeem the
 * code with msal. Returns the msal result and the tenant cookie jar (for SSO on a later step-up).
 */
export async function signInWithCode(
  tenant: LocalTenant, client: ConfidentialClientApplication, user: PageUser,
  options: { scopes: string[]; claims?: string; jar?: TenantCookieJar; loginHint?: string },
) {
  const crypto = new CryptoProvider()
  const pkce = await crypto.generatePkceCodes()
  const state = crypto.createNewGuid()
  const nonce = crypto.createNewGuid()
  const url = await client.getAuthCodeUrl({
    scopes: options.scopes, redirectUri, state, nonce, codeChallenge: pkce.challenge, codeChallengeMethod: 'S256',
    claims: options.claims, loginHint: options.loginHint,
  })
  const { redirectUrl, jar } = await followAuthorize(tenant, url, user, options.jar)
  const returned = new URL(redirectUrl)
  if (returned.searchParams.get('state') !== state) throw new Error('state did not round-trip')
  const code = returned.searchParams.get('code')
  if (!code) throw new Error(`no code: ${returned.searchParams.get('error_description')}`)
  const result = await client.acquireTokenByCode({
    code, scopes: options.scopes, redirectUri, codeVerifier: pkce.verifier, state, nonce, claims: options.claims,
  }, { code, state })
  return { result, jar }
}
