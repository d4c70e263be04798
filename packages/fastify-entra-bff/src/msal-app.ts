import { ConfidentialClientApplication, LogLevel, type Configuration, type ICachePlugin } from '@azure/msal-node'
import type { Dispatcher } from 'undici'
import type { ClientCredential, TenantEndpoints } from './config-types.ts'
import { createMsalNetworkClient } from './msal-network-client.ts'

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
export function createMsalApp(options: MsalAppOptions): ConfidentialClientApplication {
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
