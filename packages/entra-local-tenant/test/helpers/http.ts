import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import { createSecureContext, rootCertificates } from 'node:tls'
import { Agent, request, type Dispatcher } from 'undici'

/** An HTTP client that trusts the system roots plus `extraCaPem` (the tenant's CA), never instead of checking. */
export function createHttpAgent(options: { extraCaPem?: string[] } = {}): Agent {
  const extra = options.extraCaPem ?? []
  return new Agent({ connect: extra.length > 0 ? { secureContext: createSecureContext({ ca: [...rootCertificates, ...extra] }) } : {} })
}

/** msal-node's network module on an undici dispatcher (msal's own client cannot be given a CA). */
export function createMsalNetworkClient(dispatcher: Dispatcher): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}): Promise<NetworkResponse<T>> {
    const response = await request(url, { method, dispatcher, headers: options.headers, body: options.body })
    const text = await response.body.text()
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    return { headers, body: (text === '' ? {} : JSON.parse(text)) as T, status: response.statusCode }
  }
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  }
}
