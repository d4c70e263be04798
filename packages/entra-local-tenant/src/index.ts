// The public API of entra-local-tenant: start a tenant in-process, read or edit its tenant file.

export { startLocalTenant, type LocalTenant, type TenantTesting } from './local-tenant.ts'
export type { LocalTenantConfig, LogLevel, TenantOrigin } from './config.ts'
export type { ServerTimeouts } from './server-timeouts.ts'
export { readTenantFile, type AppRegistration, type ConditionalAccessPolicy, type SeedUser, type TenantFile } from './tenant-file.ts'
/** How many entries each of the tenant's request-grown maps keeps at most. */
export { stateLimits } from './state.ts'
/** The user properties the tenant's Graph lets an app write, and those it only reads. */
export { readOnlyUserProperties, writableUserProperties } from './graph-user.ts'
export { writeProxyCertificate } from './proxy-certificate.ts'
