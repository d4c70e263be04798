import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto'
import { decodeProtectedHeader, importX509, jwtVerify, type ProtectedHeaderParameters } from 'jose'
import type { TenantContext } from './context.ts'
import { invalidClient, invalidRequest, OAuthError } from './oauth-error.ts'
import type { AppRegistration } from './tenant-file.ts'

// Client authentication at the token endpoint: client_secret_basic, client_secret_post and
// private_key_jwt (certificate credentials, as msal-node sends them: PS256 + x5t#S256, or RS256 + x5t).

const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface ClientAuthInput {
  client_id?: string
  client_secret?: string
  client_assertion?: string
  client_assertion_type?: string
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  // RFC 6749 §2.3.1: both parts are form-urlencoded; a broken %-escape is the client's error.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    throw invalidClient(7000215, 'The client credentials in the Authorization header are not correctly form-urlencoded (RFC 6749 section 2.3.1).')
  }
}

function thumbprints(pem: string): string[] {
  const der = new X509Certificate(pem).raw
  return [createHash('sha256').update(der).digest('base64url'), createHash('sha1').update(der).digest('base64url')]
}

async function verifyAssertion(context: TenantContext, clientId: string, assertion: string, tokenEndpoint: string): Promise<void> {
  let header: ProtectedHeaderParameters
  try {
    header = decodeProtectedHeader(assertion)
  } catch {
    throw invalidClient(7000274, 'The client assertion is not a valid JWT.')
  }
  const thumbprint = (header['x5t#S256'] ?? header.x5t) as string | undefined
  const certificate = (context.clientCertificates.get(clientId) ?? []).find((pem) => thumbprint && thumbprints(pem).includes(thumbprint))
  if (!certificate || (header.alg !== 'PS256' && header.alg !== 'RS256')) {
    throw invalidClient(700027, `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint ?? ''}']`)
  }
  try {
    await jwtVerify(assertion, await importX509(certificate, header.alg), {
      issuer: clientId, subject: clientId, audience: tokenEndpoint, clockTolerance: 300, maxTokenAge: '1h',
    })
  } catch (error) {
    throw invalidClient(700027, `Client assertion failed signature validation. [Reason - ${(error as Error).message}]`)
  }
}

/** The authenticated confidential client, a public client (which has nothing to prove), or an OAuth error. */
export async function authenticateClient(context: TenantContext, body: ClientAuthInput, authorization: string | undefined, tokenEndpoint: string): Promise<AppRegistration> {
  const basic = basicCredentials(authorization)
  const clientId = basic?.id ?? body.client_id
  if (!clientId) throw invalidRequest(900144, "The request body must contain the following parameter: 'client_id'.")
  const app = context.app(clientId)
  if (!app) throw new OAuthError('unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${context.tenant.tenant.subdomain}'.`)
  if (app.isFallbackPublicClient) {
    if (basic || body.client_secret || body.client_assertion) {
      throw invalidClient(700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.")
    }
    return app
  }
  if (body.client_assertion_type === assertionType && body.client_assertion) {
    await verifyAssertion(context, clientId, body.client_assertion, tokenEndpoint)
    return app
  }
  const secret = basic?.secret ?? body.client_secret
  if (!secret) throw invalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
  const digest = (value: string) => createHash('sha256').update(value).digest()
  if (!timingSafeEqual(digest(secret), digest(context.clientSecrets.get(clientId) ?? ''))) {
    throw invalidClient(7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.')
  }
  return app
}
