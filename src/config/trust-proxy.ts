import { isIP } from 'node:net'

/**
 * What Fastify's `trustProxy` is given: false (trust no proxy), true (trust every hop), or the
 * addresses/CIDRs of the proxies allowed to set X-Forwarded-For, -Proto and -Host.
 */
export type TrustProxy = boolean | string[]

// proxy-addr's names for whole ranges, accepted by Fastify's trustProxy.
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal'])

function isAddressOrCidr(entry: string): boolean {
  if (namedRanges.has(entry)) return true
  const [address, bits, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

/**
 * TRUST_PROXY, read once for the BFF and the edit profile service: unset or `false`, `true`, or a
 * comma-separated list of addresses/CIDRs. A hop count (`1`) is refused: Fastify 5.12 disabled
 * hop-count trust (it cannot tell the proxy from a client that connects directly and spoofs
 * X-Forwarded-*), so passing it on would silently trust nothing.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = value?.trim() ?? ''
  if (text === '' || text === 'false') return false
  if (text === 'true') return true
  if (/^\d+$/.test(text)) {
    throw new Error(`Invalid configuration: TRUST_PROXY=${text} is a hop count, which Fastify no longer honours (a client connecting directly could spoof X-Forwarded-*); give the proxy's addresses or CIDRs instead, e.g. TRUST_PROXY=10.0.0.0/8`)
  }
  const entries = text.split(',').map((entry) => entry.trim())
  const invalid = entries.filter((entry) => !isAddressOrCidr(entry))
  if (invalid.length > 0) {
    throw new Error(`Invalid configuration: TRUST_PROXY must be true, false or comma-separated IP addresses/CIDRs (or loopback, linklocal, uniquelocal); not ${invalid.join(', ')}`)
  }
  return entries
}

/**
 * The BFF listens on plain http: with an https public origin, only a trusted proxy's
 * X-Forwarded-Proto lets it see https, and without that @fastify/session never sets the Secure
 * __Host-session cookie, so no sign-in could complete. Refuse to start instead.
 */
export function bffTrustProxy(value: string | undefined, publicOrigin: string): TrustProxy {
  const trustProxy = parseTrustProxy(value)
  if (trustProxy === false && new URL(publicOrigin).protocol === 'https:') {
    throw new Error(`Invalid configuration: BFF_PUBLIC_ORIGIN ${publicOrigin} is https, but the BFF serves plain http and trusts no proxy, so it can never set its Secure session cookie. Put it behind a TLS-terminating proxy and set TRUST_PROXY to that proxy's addresses (e.g. TRUST_PROXY=10.0.0.0/8) or true`)
  }
  return trustProxy
}
