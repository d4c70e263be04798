import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import { loadUndici } from './undici.ts'

/**
 * Token calls (POST) may take this long. Longer than a request waits for them (identity.ts):
 * a refresh is not abandoned half-way just because the user's request has answered.
 */
const tokenCallTimeoutMs = 30_000

/**
 * msal-node's INetworkModule on undici, so msal shares our keep-alive agent,
 * timeouts and trusted CAs. Bodies are parsed JSON, as msal expects.
 */
export function createMsalNetworkClient(dispatcher: Dispatcher): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions = {}, timeoutMs?: number): Promise<NetworkResponse<T>> {
    const response = await loadUndici().request(url, {
      method,
      dispatcher,
      headers: options.headers,
      body: options.body,
      ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
      ...(method === 'POST' ? { headersTimeout: tokenCallTimeoutMs, bodyTimeout: tokenCallTimeoutMs } : {}),
    })
    const text = await response.body.text()
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
    }
    let body: T
    try {
      body = (text === '' ? {} : JSON.parse(text)) as T
    } catch {
      throw new Error(`identity provider answered ${response.statusCode} with a body that is not JSON (${url.split('?')[0]})`)
    }
    return { headers, body, status: response.statusCode }
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  }
}
