import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import formbody from '@fastify/formbody'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { watchAdminRequests } from './admin-requests.ts'
import { browserEndpoints } from './browser-endpoints.ts'
import { loadTlsMaterial } from './certificates.ts'
import { loadClientSecrets } from './client-secrets.ts'
import type { LocalTenantConfig } from './config.ts'
import { createConditionalAccess } from './conditional-access.ts'
import type { TenantContext } from './context.ts'
import { Directory } from './directory.ts'
import { applyFaults, createFaultTable } from './faults.ts'
import { defaultLoggerOptions } from './logging.ts'
import { notFoundHandlers } from './not-found.ts'
import { discoveryRoutes } from './routes/discovery.ts'
import { graphRoutes } from './routes/graph.ts'
import { tokenRoutes } from './routes/token.ts'
import { defaultRequestIds } from './request-ids.ts'
import { blockSignIn, nextSecond, revokeUserSessions } from './revocation.ts'
import { withServerTimeouts } from './server-timeouts.ts'
import { loadSigningKeys } from './signing-keys.ts'
import { createTenantState } from './state.ts'
import { readTenantFile } from './tenant-file.ts'
import { testControlRoutes } from './test-control.ts'
import { createTenantTesting, type TenantTesting } from './testing.ts'
import { createTokenMinter } from './token-minter.ts'

// The local tenant: one External ID tenant and Graph /me, offline. Everything on https with a
// local CA, as Entra; the browser pages also on plain http (no certificate to trust), which
// discovery advertises unless the host name is a real tenant's ({sub}.ciamlogin.com) or
// pagesOnHttps is set.

export type { TenantTesting }

export interface LocalTenant {
  config: LocalTenantConfig
  tenantId: string
  subdomain: string
  httpOrigin: string
  httpsOrigin: string
  /** Where discovery sends browsers (authorize, logout): httpOrigin, or httpsOrigin with pagesOnHttps. */
  browserOrigin: string
  /** The ports the servers listen on (httpsOrigin may name another with publicHttpsPort). */
  boundPorts: { http: number; https: number }
  /** The issuer of ID and v2 access tokens. */
  issuer: string
  /** What msal gets: `${httpsOrigin}/${tenantId}` */
  authority: string
  /** host:port for msal's knownAuthorities */
  knownAuthority: string
  graphBaseUrl: string
  caCertificatePem: string
  /** The CA certificate's file in the data dir, for a trust store or NODE_EXTRA_CA_CERTS. */
  caCertificateFile: string
  /** Every registered app by its key in the tenant file, with its generated client secret unless it is a public client. */
  clients: { name: string; displayName: string; clientId: string; publicClient: boolean; clientSecret?: string }[]
  /** The dev mailbox page: every one-time code the tenant mailed. */
  mailboxUrl: string
  /** The test-control API (loopback only), when the tenant runs with testControl. */
  testControlUrl?: string
  apps: {
    bff: { clientId: string; clientSecret: string; redirectUris: string[]; postLogoutRedirectUris: string[] }
    profileService: { clientId: string; clientSecret: string; scope: string }
  }
  demoUser: { email: string; password: string; displayName: string }
  testing: TenantTesting
  close(): Promise<void>
}

function origin(scheme: 'http' | 'https', hostname: string, port: number): string {
  const defaultPort = scheme === 'https' ? 443 : 80
  return `${scheme}://${hostname}${port === defaultPort ? '' : `:${port}`}`
}

function boundPort(app: FastifyInstance): number {
  const address = app.server.address()
  return typeof address === 'object' && address ? address.port : 0
}

/** Malformed requests get a 4xx in OAuth's format, never a stack; real faults a logged 500. */
function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
  if (status === 500) request.log.error({ err: error }, 'local tenant request failed')
  return reply.code(status).send({
    error: status === 500 ? 'server_error' : status === 429 ? 'temporarily_unavailable' : 'invalid_request',
    error_description: status === 500 ? `AADSTS90000: The local tenant failed to handle the request (id ${request.id}).` : `AADSTS900144: ${error.message}`,
  })
}

export async function startLocalTenant(config: LocalTenantConfig): Promise<LocalTenant> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 })
  const tenant = await readTenantFile(config.tenantFile)
  const tid = tenant.tenant.id
  const directory = new Directory(config.dataDir, tenant.users)
  const keys = await loadSigningKeys(config.dataDir)
  // A real tenant's host name: External ID's issuer is https://{tid}.ciamlogin.com/{tid}/v2.0
  // whatever host the authority names, and the certificate must name both hosts.
  const ciamHost = /^[a-z0-9-]+\.ciamlogin\.com$/i.test(config.hostname)
  const ciamIssuerHost = `${tid}.ciamlogin.com`
  const hostnames = [...new Set([config.hostname, ...(ciamHost ? [ciamIssuerHost] : []), 'localhost', '127.0.0.1', ...(config.extraHostnames ?? [])])]
  const tls = await loadTlsMaterial(config.dataDir, hostnames)
  const clientSecrets = await loadClientSecrets(config.dataDir, Object.values(tenant.apps))
  const state = createTenantState()
  // Filled in once both servers listen (port 0 in tests): URLs and the issuer use the bound ports.
  const origins = { http: '', https: '', browser: '' }
  const issuer = () => (ciamHost ? `https://${ciamIssuerHost}/${tid}/v2.0` : `${origins.https}/${tid}/v2.0`)

  const context: TenantContext = {
    config, tenant, directory, keys, state, clientSecrets, origins,
    clientCertificates: new Map(),
    minter: createTokenMinter(keys, () => ({ tenantId: tid, issuer: issuer(), lifetimeSeconds: tenant.settings.accessTokenLifetimeSeconds, caeLifetimeSeconds: tenant.settings.caeAccessTokenLifetimeSeconds })),
    access: createConditionalAccess(tenant, (userId) => state.mfaNotBefore.get(userId) ?? 0),
    issuer,
    app: (clientId) => Object.values(tenant.apps).find((registration) => registration.clientId === clientId),
  }

  const { subdomain } = tenant.tenant
  const knownTenant = (value: string) => [tid, subdomain, `${subdomain}.onmicrosoft.com`, `${subdomain}.ciamlogin.com`].includes(value.toLowerCase())
  const tenantCheck = async (request: { params: unknown }, reply: { code(status: number): { send(body: unknown): unknown } }) => {
    const value = (request.params as { tenant?: string }).tenant
    if (value !== undefined && !knownTenant(value)) {
      return reply.code(400).send({ error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${value}' not found.` })
    }
  }

  const logger = config.logger ?? defaultLoggerOptions(config.logLevel)
  const requestIds = config.requestIds ?? defaultRequestIds
  const front = Fastify(withServerTimeouts({ logger, bodyLimit: 16 * 1024, genReqId: requestIds('pages') }, config.timeouts))
  await config.instrument?.(front)
  const back = Fastify(withServerTimeouts({ https: { key: tls.privateKeyPem, cert: tls.certificatePem }, logger, bodyLimit: 64 * 1024, genReqId: requestIds('back-channel') }, config.timeouts))
  await config.instrument?.(back)
  const testing = createTenantTesting(context, () => directory.reseed(tenant.users))
  const faults = createFaultTable()
  const bothOrigins = async (app: FastifyInstance) => {
    app.setErrorHandler(errorHandler)
    notFoundHandlers(app)
    await app.register(formbody)
    app.addHook('preHandler', tenantCheck)
    if (config.testControl) {
      applyFaults(app, faults)
      testControlRoutes(app, testing, faults)
    }
    await browserEndpoints(app, context)
  }
  await bothOrigins(front)
  await bothOrigins(back)
  discoveryRoutes(back, context)
  tokenRoutes(back, context)
  graphRoutes(back, context)

  // Admin actions (revoke sessions, block sign-in) come as files in the data folder, never over HTTP.
  const stopAdmin = await watchAdminRequests(config.dataDir, async (request) => {
    if (request.action !== 'revoke-sessions' && request.action !== 'disable-user') throw new Error(`Unknown admin action "${String(request.action)}".`)
    const user = directory.byEmail(String(request.email))
    if (!user) throw new Error(`No user ${String(request.email)} in this tenant.`)
    if (request.action === 'disable-user') {
      blockSignIn(state, user.id, await nextSecond())
      return `Blocked sign-in for ${user.email}: refresh tokens are refused, CAE-capable apps are challenged.`
    }
    revokeUserSessions(state, user.id, await nextSecond())
    return `Revoked the sessions of ${user.email}: refresh tokens issued until now are refused, CAE-capable apps are challenged.`
  }, front.log)
  front.addHook('onClose', async () => stopAdmin())

  await front.listen({ host: config.bindAddress, port: config.httpPort })
  try {
    await back.listen({ host: config.bindAddress, port: config.httpsPort })
  } catch (error) {
    await front.close()
    throw error
  }
  origins.http = origin('http', config.hostname, boundPort(front))
  origins.https = origin('https', config.hostname, config.publicHttpsPort ?? boundPort(back))
  origins.browser = (config.pagesOnHttps ?? ciamHost) ? origins.https : origins.http

  const { bff, profileService } = tenant.apps
  const demo = tenant.users[0]
  // loadClientSecrets gave every registered app one.
  const secretOf = (clientId: string) => {
    const secret = clientSecrets.get(clientId)
    if (!secret) throw new Error(`the local tenant has no client secret for ${clientId}`)
    return secret
  }
  return {
    config,
    tenantId: tid,
    subdomain: tenant.tenant.subdomain,
    httpOrigin: origins.http,
    httpsOrigin: origins.https,
    browserOrigin: origins.browser,
    boundPorts: { http: boundPort(front), https: boundPort(back) },
    issuer: issuer(),
    authority: `${origins.https}/${tid}`,
    knownAuthority: new URL(origins.https).host,
    graphBaseUrl: `${origins.https}/v1.0`,
    caCertificatePem: tls.caCertificatePem,
    caCertificateFile: resolve(config.dataDir, 'ca.crt'),
    clients: Object.entries(tenant.apps).map(([name, registration]) => ({
      name, displayName: registration.displayName, clientId: registration.clientId, publicClient: registration.isFallbackPublicClient === true,
      ...(registration.isFallbackPublicClient ? {} : { clientSecret: secretOf(registration.clientId) }),
    })),
    mailboxUrl: `${origins.browser}/mailbox`,
    ...(config.testControl ? { testControlUrl: `${origins.http}/_test` } : {}),
    apps: {
      bff: { clientId: bff.clientId, clientSecret: secretOf(bff.clientId), redirectUris: bff.redirectUris, postLogoutRedirectUris: bff.postLogoutRedirectUris },
      profileService: {
        clientId: profileService.clientId, clientSecret: secretOf(profileService.clientId),
        scope: `${profileService.identifierUri}/${profileService.exposedScopes?.[0] ?? 'EditProfileService.ReadWrite'}`,
      },
    },
    demoUser: { email: demo.email, password: demo.password, displayName: demo.displayName },
    testing,
    async close() {
      await Promise.all([front.close(), back.close()])
    },
  }
}
