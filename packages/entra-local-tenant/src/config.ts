import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { ServerTimeouts } from './server-timeouts.ts'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** Which of the tenant's two servers: the browser pages on http, or everything on https. */
export type TenantOrigin = 'pages' | 'back-channel'

export interface LocalTenantConfig {
  /** Folder for keys, CA, generated client secrets, users and profile edits. */
  dataDir: string
  /** Tenant JSON that overrides the shipped default (tenant.default.json in this package). */
  tenantFile?: string
  /** Host name the back channel certificate names and URLs use (e.g. contoso.ciamlogin.com). */
  hostname: string
  /** Additional names for the certificate (e.g. graph.microsoft.com when mapped by /etc/hosts). */
  extraHostnames?: string[]
  bindAddress: string
  /** Browser-facing pages (authorize, sign-in UI, logout, mailbox) on plain http. 0 = any free port. */
  httpPort: number
  /** Everything (discovery, token, keys, Graph, and the browser pages) on https with the local CA. 0 = any free port. */
  httpsPort: number
  /** The https port URLs name when it differs from the bound one (a port mapping; tests bind 0 and name 443). */
  publicHttpsPort?: number
  /** Discovery sends browsers to the https origin. Default: only when the host name is {sub}.ciamlogin.com. */
  pagesOnHttps?: boolean
  /** In-process test hooks (`tenant.testing`: reset, read codes, stale MFA, expire tokens). Never on by default. */
  testApi: boolean
  /** The test-control HTTP API under /_test on the loopback origins (testControl.ts). Never on by default. */
  testControl?: boolean
  logLevel: LogLevel
  /** Request, header and keep-alive timeouts of both origins (defaults in server-timeouts.ts). */
  timeouts?: ServerTimeouts
  /** Fastify logger options of both servers, replacing the default (JSON lines at logLevel, secrets redacted). */
  logger?: FastifyServerOptions['logger']
  /** Request ids per origin, replacing the default (a caller's client-request-id on the back channel, else a UUID). */
  requestIds?: (origin: TenantOrigin) => (request: IncomingMessage) => string
  /** Runs on each server before its routes are added (a host's telemetry). */
  instrument?: (app: FastifyInstance) => Promise<void>
}
