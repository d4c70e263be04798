import { createSecureContext, rootCertificates } from 'node:tls'
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
  // One TLS context for every connection: passing `ca` instead would parse ~150 root
  // certificates again for each new connection (seen in the benchmark's CPU profile).
  const secureContext = extra.length > 0 ? createSecureContext({ ca: [...rootCertificates, ...extra] }) : undefined
  return new Agent({
    connect: {
      timeout: options.connectTimeoutMs ?? 5_000,
      ...(secureContext ? { secureContext } : {}),
    },
    headersTimeout: options.responseTimeoutMs ?? 10_000,
    bodyTimeout: options.responseTimeoutMs ?? 10_000,
    keepAliveTimeout: 30_000,
    connections: options.connections ?? 128,
  })
}
