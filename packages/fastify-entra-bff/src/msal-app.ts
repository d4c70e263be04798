import type { ConfidentialClientApplication, Configuration, ICachePlugin } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { ClientCredential, TenantEndpoints } from './config-types.ts'
import { createMsalNetworkClient } from './msal-network-client.ts'

export type MsalNode = typeof import('@azure/msal-node')

let msalNode: Promise<MsalNode> | undefined

/**
 * msal-node, loaded at the first token call instead of at boot: it is about 12 MiB of a
 * replica's idle memory and 0.4 s of its start (docs/benchmarks.md), and a replica that only
 * serves signed-out pages and cached tokens never needs it.
 */
export function loadMsal(): Promise<MsalNode> {
  msalNode ??= import('@azure/msal-node')
  return msalNode
}

export interface MsalAppOptions {
  tenant: TenantEndpoints
  clientId: string
  credential: ClientCredential
  dispatcher: Dispatcher
  /** The tenant's OpenID configuration, pre-supplied so msal makes no discovery call. */
  authorityMetadata: string
  cachePlugin?: ICachePlugin
  /** e.g. ['cp1']: the client handles CAE claims challenges, so the tenant issues it CAE tokens (`xms_cc`). */
  clientCapabilities?: string[]
}

function credentialOf(credential: ClientCredential): Partial<Configuration['auth']> {
  if (credential.kind === 'secret') return { clientSecret: credential.clientSecret }
  return {
    clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKeyPem },
  }
}

/**
 * A confidential client. Cheap to make per request or per session: metadata is pre-supplied,
 * and the network client is our shared undici agent (keep-alive, timeouts, trusted CAs).
 */
export async function createMsalApp(options: MsalAppOptions): Promise<ConfidentialClientApplication> {
  const { ConfidentialClientApplication, LogLevel } = await loadMsal()
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      authority: options.tenant.authority,
      knownAuthorities: [options.tenant.knownAuthority],
      authorityMetadata: options.authorityMetadata,
      ...(options.clientCapabilities ? { clientCapabilities: options.clientCapabilities } : {}),
      ...credentialOf(options.credential),
    },
    cache: options.cachePlugin ? { cachePlugin: options.cachePlugin } : undefined,
    system: {
      networkClient: createMsalNetworkClient(options.dispatcher),
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  })
}
