import type { FastifyInstance } from 'fastify'
import type { Env } from './config/env-schema.ts'
import { entraBffConfig, entraProfileServiceConfig } from './config/entra-profile.ts'
import {
  localBffConfig, localProfileServiceConfig, localTenantConfig,
  readLocalTenantConnection, writeLocalTenantConnection, type LocalTenantConnection,
} from './config/local-profile.ts'
import type { LocalTenant } from 'entra-local-tenant'
import type { Role } from './roles.ts'

export interface RunningRoles {
  urls: { role: Role; url: string }[]
  tenant?: LocalTenant
  close(): Promise<void>
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port })
  const address = app.server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  return `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${boundPort}`
}

/**
 * Starts the roles in dependency order (tenant, service, BFF); closes in reverse. Each role's
 * code is imported only when that role runs: a BFF replica does not load the local tenant or
 * the edit profile service (start-to-ready, issue 15).
 */
export async function startRoles(roles: Role[], env: Env): Promise<RunningRoles> {
  const closers: (() => Promise<void>)[] = []
  const urls: RunningRoles['urls'] = []
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne()
  }
  try {
    let tenant: LocalTenant | undefined
    if (roles.includes('local-tenant')) {
      const config = localTenantConfig(env)
      const { startLocalTenant } = await import('entra-local-tenant')
      const started = await startLocalTenant(config)
      tenant = started
      closers.push(() => started.close())
      writeLocalTenantConnection(config.dataDir, tenant)
      urls.push({ role: 'local-tenant', url: tenant.httpOrigin })
    }
    const connection = (): LocalTenantConnection => tenant ?? readLocalTenantConnection(env.LOCAL_TENANT_DATA_DIR)
    if (roles.includes('profile-service')) {
      const config = env.PROFILE === 'local' ? localProfileServiceConfig(env, connection()) : entraProfileServiceConfig(env)
      const { buildProfileService } = await import('./profile-service/app.ts')
      const app = await buildProfileService(config)
      closers.push(() => app.close())
      urls.push({ role: 'profile-service', url: await listen(app, config.host, config.port) })
    }
    if (roles.includes('bff')) {
      const config = env.PROFILE === 'local' ? localBffConfig(env, connection()) : entraBffConfig(env)
      const { buildBff } = await import('./bff/app.ts')
      const app = await buildBff(config)
      closers.push(() => app.close())
      await listen(app, config.host, config.port)
      urls.push({ role: 'bff', url: config.publicOrigin })
    }
    return { urls, tenant, close }
  } catch (error) {
    await close()
    throw error
  }
}
