import type { FastifyInstance, FastifyReply } from 'fastify'
import type { TenantContext } from '../context.ts'

// OpenID discovery and the signing keys, on the https origin. Browser-facing endpoints
// (authorize, logout) point at the browser origin (plain http by default; msal-node does not
// check their scheme). Only what the tenant implements is listed: no code_challenge_methods_supported,
// as Entra's document has none (it accepts S256 and plain all the same).

export function discoveryRoutes(app: FastifyInstance, context: TenantContext) {
  const tid = context.tenant.tenant.id

  // The v1 document (no /v2.0): Microsoft's Python `identity` library reads its
  // end_session_endpoint for External ID. Only the endpoints this tenant serves are listed: the
  // v1 authorize and token protocols (`resource` instead of `scope`) are not emulated, so their
  // v1 paths are left out; the logout page is the same for v1 and v2. Entra's v1 issuer for a
  // CIAM tenant is not documented; sts.windows.net is what Entra's v1 tokens carry (issuer form
  // unsure: see docs/local-tenant.md).
  app.get('/:tenant/.well-known/openid-configuration', async (_request, reply) => {
    const { browser, https } = context.origins
    return reply.header('cache-control', 'max-age=86400, private').send({
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${https}/${tid}/discovery/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
      scopes_supported: ['openid'],
      issuer: `https://sts.windows.net/${tid}/`,
      microsoft_multi_refresh_token: true,
      end_session_endpoint: `${browser}/${tid}/oauth2/logout`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce', 'email', 'given_name', 'family_name', 'nickname'],
      tenant_region_scope: null,
      cloud_instance_name: 'ciamlogin.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    })
  })

  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (_request, reply) => {
    const { browser, https } = context.origins
    return reply.header('cache-control', 'max-age=86400, private').send({
      token_endpoint: `${https}/${tid}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${https}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: context.issuer(),
      request_uri_parameter_supported: false,
      authorization_endpoint: `${browser}/${tid}/oauth2/v2.0/authorize`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${browser}/${tid}/oauth2/v2.0/logout`,
      // Entra lists Graph's userinfo (https://graph.microsoft.com/oidc/userinfo); here, this tenant's Graph.
      userinfo_endpoint: `${https}/oidc/userinfo`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'email', 'oid', 'sid'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      tenant_region_scope: null,
      cloud_instance_name: 'ciamlogin.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    })
  })

  const keys = async (_request: unknown, reply: FastifyReply) => reply.header('cache-control', 'max-age=3600, private').send(context.keys.jwks())
  app.get('/:tenant/discovery/v2.0/keys', keys)
  app.get('/:tenant/discovery/keys', keys)
}
