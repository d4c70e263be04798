import type { FastifyInstance } from 'fastify'
import type { TenantContext } from '../context.ts'

// OpenID discovery and the signing keys, on the https back channel. Browser-facing endpoints
// (authorize, logout) point at the plain-http origin; msal-node does not check their scheme.

export function discoveryRoutes(app: FastifyInstance, context: TenantContext) {
  const tid = context.tenant.tenant.id

  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (_request, reply) => {
    const { http, https } = context.origins
    return reply.header('cache-control', 'max-age=86400, private').send({
      token_endpoint: `${https}/${tid}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${https}/${tid}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: context.issuer(),
      request_uri_parameter_supported: false,
      userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
      authorization_endpoint: `${http}/${tid}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${https}/${tid}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${http}/${tid}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email', 'oid', 'amr', 'sid'],
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
