import type {} from '@fastify/cookie'
import type {} from '@fastify/view'
import type { LocalTenantConfig } from './config.ts'
import type { ConditionalAccess } from './conditional-access.ts'
import type { Directory } from './directory.ts'
import type { SigningKeys } from './signing-keys.ts'
import type { TenantState } from './state.ts'
import type { AppRegistration, TenantFile } from './tenant-file.ts'
import type { TokenMinter } from './token-minter.ts'

/** What every local tenant route works with. */
export interface TenantContext {
  config: LocalTenantConfig
  tenant: TenantFile
  directory: Directory
  keys: SigningKeys
  minter: TokenMinter
  access: ConditionalAccess
  state: TenantState
  /** Generated client secrets by client id. */
  clientSecrets: Map<string, string>
  /** Registered certificate public keys (PEM certificates) by client id, for private_key_jwt. */
  clientCertificates: Map<string, string[]>
  /** http and https: the two origins; browser: the one discovery sends browsers to. */
  origins: { http: string; https: string; browser: string }
  issuer(): string
  app(clientId: string | undefined): AppRegistration | undefined
}
