/// <reference types="@fastify/session" preserve="true" />
/// <reference types="@fastify/csrf-protection" preserve="true" />
// fastify-entra-bff: Microsoft Entra (External ID) sign-in, tokens kept server-side and MFA
// step-up for a Fastify backend-for-frontend. README.md describes each export.

import entraBff from './plugin.ts'

export default entraBff
export { entraBff }
export type { EntraBffInstance } from './plugin.ts'
export type { RouteAuth } from './route-auth.ts'
export type { EntraBffHooks, EntraBffOptions, EntraBffSessionOptions, SignInFailure } from './types.ts'
export type { ClientCredential, TenantEndpoints } from './config-types.ts'
export { EntraBffOptionsError } from './options.ts'
export type { PendingAuthorization, SessionAccount, SignedInUser } from './session-data.ts'
export type { StepUpRequest } from './step-up.ts'

// Errors a route or an API client throws, and the failure table they are answered from.
export { SignInRequiredError } from './identity.ts'
export { ClaimsChallengeError } from './claims-challenge-error.ts'
export { DependencyFailure, failureAnswers, fromMsal, fromTenantDiscovery, type FailureClass, type FailureRow } from './failures.ts'
export { isTimeout, retryAfterSeconds } from './upstream-errors.ts'

// Claims challenges and WWW-Authenticate, for an API client (and an API that sends them).
export { asksForNewerToken, claimsFromChallenge, insufficientClaimsChallenge } from './claims-challenge.ts'
export { formatWwwAuthenticate, parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts'

// The pieces an app shares with the plugin (one agent, one metadata loader) or uses for its own API's on-behalf-of.
export { createHttpAgent } from './http-agent.ts'
export { loadUndici } from './undici.ts'
export { fetchTenantMetadata, tenantMetadataLoader, type TenantMetadata, type TenantMetadataLoader } from './tenant-metadata.ts'
export { createMsalApp, loadMsal, type MsalAppOptions, type MsalNode } from './msal-app.ts'

// htmx and redirects as the plugin answers them; a safe local return address.
export { isHtmx, navigate } from './htmx.ts'
export { safeReturnTo } from './return-to.ts'
export { csrfForm, csrfProtectedForm } from './csrf-form.ts'

// Stores: kept in memory unless given (Redis: 'fastify-entra-bff/redis').
export type { DependencyCheck, EntraBffStores } from './stores/bff-stores.ts'
export type { LiveSessions } from './stores/live-sessions.ts'
export type { SessionIndex, SessionIndexKind } from './stores/session-index.ts'
export type { SessionLease, SessionLock, TokenCacheStore } from './stores/token-cache-store.ts'
export { bffMetrics, type StepUpOutcome, type StepUpSource } from './metrics.ts'
export { sessionCookieName } from './session.ts'
