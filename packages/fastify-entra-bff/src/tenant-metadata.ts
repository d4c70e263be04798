import type { Dispatcher } from 'undici'
import { loadUndici } from './undici.ts'

/** The tenant's OpenID configuration: fetched once, then given to msal and jose. */
export interface TenantMetadata {
  issuer: string
  jwks_uri: string
  authorization_endpoint: string
  token_endpoint: string
  end_session_endpoint: string
  /** The document as received: msal's `authorityMetadata` (no discovery call per client). */
  raw: string
}

export async function fetchTenantMetadata(authority: string, dispatcher: Dispatcher): Promise<TenantMetadata> {
  const url = `${authority.replace(/\/$/, '')}/v2.0/.well-known/openid-configuration`
  const response = await loadUndici().request(url, { dispatcher, signal: AbortSignal.timeout(10_000) })
  const raw = await response.body.text()
  if (response.statusCode !== 200) throw new Error(`tenant discovery at ${url} answered ${response.statusCode}`)
  const document = JSON.parse(raw) as Omit<TenantMetadata, 'raw'>
  for (const field of ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint'] as const) {
    if (typeof document[field] !== 'string') throw new Error(`tenant discovery at ${url} has no ${field}`)
  }
  return { ...document, raw }
}

/**
 * Metadata loaded lazily and retried on failure, so a role starts
 * while the tenant is unreachable, and recovers by itself: every `get()` after a failed load
 * tries again (one load at a time). `current()` is what loaded, if anything, without waiting.
 */
export function tenantMetadataLoader(authority: string, dispatcher: Dispatcher) {
  let loaded: TenantMetadata | undefined
  let loading: Promise<TenantMetadata> | undefined
  return {
    get: (): Promise<TenantMetadata> => {
      if (loaded) return Promise.resolve(loaded)
      loading ??= fetchTenantMetadata(authority, dispatcher).then(
        (metadata) => (loaded = metadata),
        (error) => {
          loading = undefined
          throw error
        },
      )
      return loading
    },
    current: (): TenantMetadata | undefined => loaded,
  }
}

export type TenantMetadataLoader = ReturnType<typeof tenantMetadataLoader>
