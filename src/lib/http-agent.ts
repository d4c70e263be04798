import { rootCertificates } from 'node:tls'
import { Agent } from 'undici'

export interface HttpAgentOptions {
  /** PEM certificates trusted in addition to the system roots (the local tenant's CA). */
  extraCaPem?: string[]
  connectTimeoutMs?: number
  /** Time to wait for response headers, then for each body chunk. */
  responseTimeoutMs?: number
  connections?: number
}

/**
 * One keep-alive agent per process serves msal, Graph and the edit profile service.
 * Extra CAs are added to the system roots, never in place of certificate checks.
 */
export function createHttpAgent(options: HttpAgentOptions = {}): Agent {
  const extra = options.extraCaPem ?? []
  return new Agent({
    connect: {
      timeout: options.connectTimeoutMs ?? 5_000,
      ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    },
    headersTimeout: options.responseTimeoutMs ?? 10_000,
    bodyTimeout: options.responseTimeoutMs ?? 10_000,
    keepAliveTimeout: 30_000,
    connections: options.connections ?? 128,
  })
}
