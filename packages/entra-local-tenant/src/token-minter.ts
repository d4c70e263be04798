import { createHash, randomBytes } from 'node:crypto'
import { SignJWT, type JWTPayload } from 'jose'
import type { DirectoryUser } from './directory.ts'
import type { SigningKeys } from './signing-keys.ts'
import { graphResource } from './tenant-file.ts'

// Token contents as Entra issues them: v2 ID tokens and API access tokens, v1 Graph tokens.
// `amr` only in v1 tokens (Graph), as in Entra: the ID token claims reference lists `amr` for
// v1.0 ID tokens only, and the access token claims reference marks it v1.0 too
// (learn.microsoft.com/entra/identity-platform/id-token-claims-reference, access-token-claims-reference).
// v2 API tokens carry `acrs` for satisfied authentication contexts and `xms_cc` for declared
// client capabilities (learn.microsoft.com/entra/identity-platform/claims-challenge).

export interface MintContext {
  tenantId: string
  issuer: string
  lifetimeSeconds: number
  /** For CAE-capable clients (`cp1`): long-lived, as Entra issues them. */
  caeLifetimeSeconds: number
}

export interface UserGrant {
  user: DirectoryUser
  clientId: string
  amr: string[]
  authTime: number
  sessionId?: string
  /** Client capabilities the client declared (`xms_cc`). */
  capabilities: string[]
}

const now = () => Math.floor(Date.now() / 1000)

/** An access token's lifetime: long for a client that declared `cp1` (CAE), the tenant's default otherwise. */
export function accessTokenLifetime(lifetimes: { lifetimeSeconds: number; caeLifetimeSeconds: number }, capabilities: string[]): number {
  return capabilities.includes('cp1') ? lifetimes.caeLifetimeSeconds : lifetimes.lifetimeSeconds
}

/** `sub` is pairwise: the same user has a different subject for each app, as in Entra. */
export function pairwiseSubject(userId: string, appId: string): string {
  return createHash('sha256').update(`${userId}:${appId}`).digest('base64url').slice(0, 43)
}

export function createTokenMinter(keys: SigningKeys, context: () => MintContext) {
  // Every token's header says `typ: JWT`, access tokens included (access-tokens.md, "Header claims").
  async function sign(payload: JWTPayload): Promise<string> {
    const { kid, key } = keys.current()
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key)
  }
  const times = (grant?: UserGrant) => {
    const issuedAt = now()
    return { iat: issuedAt, nbf: issuedAt, exp: issuedAt + accessTokenLifetime(context(), grant?.capabilities ?? []) }
  }
  const uti = () => randomBytes(16).toString('base64url')

  return {
    idToken(grant: UserGrant, options: { nonce?: string; email: boolean }) {
      const { tenantId, issuer } = context()
      return sign({
        aud: grant.clientId, iss: issuer, ...times(),
        sub: pairwiseSubject(grant.user.id, grant.clientId), oid: grant.user.id, tid: tenantId,
        name: grant.user.displayName, preferred_username: grant.user.email,
        ...(options.email ? { email: grant.user.email } : {}),
        ...(options.nonce ? { nonce: options.nonce } : {}),
        auth_time: grant.authTime, ...(grant.sessionId ? { sid: grant.sessionId } : {}),
        ver: '2.0',
      })
    },

    /** A v2 access token for one of the tenant's APIs; `uti` lets the tenant find how the user signed in (OBO). */
    apiAccessToken(grant: UserGrant, apiClientId: string, scp: string[], options: { acrs: string[]; uti: string }) {
      const { tenantId, issuer } = context()
      return sign({
        aud: apiClientId, iss: issuer, ...times(grant), azp: grant.clientId, azpacr: '1',
        scp: scp.join(' '), oid: grant.user.id, tid: tenantId, sub: pairwiseSubject(grant.user.id, apiClientId),
        name: grant.user.displayName, preferred_username: grant.user.email,
        ...(options.acrs.length > 0 ? { acrs: options.acrs } : {}),
        ...(grant.capabilities.length > 0 ? { xms_cc: grant.capabilities } : {}), uti: options.uti, ver: '2.0',
      })
    },

    graphAccessToken(grant: UserGrant, scp: string[]) {
      const { tenantId } = context()
      return sign({
        aud: graphResource, iss: `https://sts.windows.net/${tenantId}/`, ...times(grant), appid: grant.clientId, appidacr: '1',
        scp: scp.join(' '), oid: grant.user.id, tid: tenantId, sub: pairwiseSubject(grant.user.id, graphResource),
        name: grant.user.displayName, unique_name: grant.user.email, upn: grant.user.email, amr: grant.amr,
        ...(grant.capabilities.length > 0 ? { xms_cc: grant.capabilities } : {}), idtyp: 'user', uti: uti(), ver: '1.0',
      })
    },

    /** An app-only token for one of the tenant's APIs: v2, `roles` (its app permissions), no `scp`. */
    appAccessToken(clientId: string, audience: string, roles: string[]) {
      const { tenantId, issuer } = context()
      return sign({
        aud: audience, iss: issuer, ...times(), azp: clientId, azpacr: '1', oid: clientId, sub: clientId,
        tid: tenantId, idtyp: 'app', roles, uti: uti(), ver: '2.0',
      })
    },

    /** An app-only token for Graph: v1 like every Graph token, `roles`, no `scp` (access-tokens.md). */
    appGraphAccessToken(clientId: string, roles: string[]) {
      const { tenantId } = context()
      return sign({
        aud: graphResource, iss: `https://sts.windows.net/${tenantId}/`, ...times(), appid: clientId, appidacr: '1',
        oid: clientId, sub: clientId, tid: tenantId, idtyp: 'app', roles, uti: uti(), ver: '1.0',
      })
    },
  }
}

export type TokenMinter = ReturnType<typeof createTokenMinter>
