import type { FastifyInstance } from 'fastify'
import type { TenantContext } from '../context.ts'

// OpenID discovery and the signing keys, on the https origin. Browser-facing endpoints
// (authorize, logout) point at the browser origin (plain http by default; msal-node does not
// check their scheme). Only what the tenant implements is listed.

export function discoveryRoutes(app: FastifyInstance, context: TenantContext) {
  const tid = context.tenant.tenant.id

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
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'email', 'oid', 'sid'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      tenant_region_scope: null,
      cloud_instance_name: 'ciamlogin.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    })
  })

  app.get('/:tenant/discovery/v2.0/keys', async (_request, reply) => {
    return reply.header('cache-control', 'max-age=3600, private').send(context.keys.jwks())
  })
}
