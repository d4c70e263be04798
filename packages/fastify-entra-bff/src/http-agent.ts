import { EventEmitter } from 'node:events'
import { createSecureContext, rootCertificates } from 'node:tls'
import type { Agent, Dispatcher } from 'undici'
import { loadUndici } from './undici.ts'

export interface HttpAgentOptions {
  /** PEM certificates trusted in addition to the system roots (the local tenant's CA). */
  extraCaPem?: string[]
  connectTimeoutMs?: number
  /** Time to wait for response headers, then for each body chunk. */
  responseTimeoutMs?: number
  connections?: number
}

/**
 * An undici Agent made at its first request, so that a replica loads undici when it first calls
 * out rather than at boot. It is what undici's `request` and `fetch` use of a dispatcher:
 * `dispatch`, `close` and `destroy` (undici's own Dispatcher base class adds only `compose`).
 */
class AgentOnDemand extends EventEmitter {
  #agent: Agent | undefined
  readonly #make: () => Agent

  constructor(make: () => Agent) {
    super()
    this.#make = make
  }

  get agent(): Agent {
    this.#agent ??= this.#make()
    return this.#agent
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.agent.dispatch(options, handler)
  }

  /** Closes the agent if one was made: nothing to close (or to load) otherwise. */
  async close(): Promise<void> {
    await this.#agent?.close()
  }

  async destroy(error?: Error | null): Promise<void> {
    await this.#agent?.destroy(error ?? null)
  }
}

/**
 * One keep-alive agent per process serves msal, Graph and the edit profile service.
 * Extra CAs are added to the system roots, never in place of certificate checks.
 */
export function createHttpAgent(options: HttpAgentOptions = {}): Dispatcher {
  return new AgentOnDemand(() => {
    const extra = options.extraCaPem ?? []
    // One TLS context for every connection: passing `ca` instead would parse ~150 root
    // certificates again for each new connection (seen in the benchmark's CPU profile).
    const secureContext = extra.length > 0 ? createSecureContext({ ca: [...rootCertificates, ...extra] }) : undefined
    return new (loadUndici().Agent)({
      connect: {
        timeout: options.connectTimeoutMs ?? 5_000,
        ...(secureContext ? { secureContext } : {}),
      },
      headersTimeout: options.responseTimeoutMs ?? 10_000,
      bodyTimeout: options.responseTimeoutMs ?? 10_000,
      keepAliveTimeout: 30_000,
      connections: options.connections ?? 128,
    })
  }) as unknown as Dispatcher
}
