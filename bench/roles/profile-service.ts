import { localProfileServiceConfig, readLocalTenantConnection } from '../../src/config/local-profile.ts'
import { readEnv } from '../../src/config/read-env.ts'
import { buildProfileService } from '../../src/profile-service/app.ts'
import { serveParent } from '../child-role.ts'

// Child process: the edit profile service alone, as the `local` profile configures it, for the
// mixed load with `--service-memory-max` (its own memory cgroup, so its own figure).

const env = readEnv({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', PROFILE_SERVICE_PORT: '0' })
const service = await buildProfileService(localProfileServiceConfig(env, readLocalTenantConnection(process.env.BENCH_TENANT_DATA_DIR!)))
await service.listen({ host: '127.0.0.1', port: 0 })
const address = service.server.address()

serveParent({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }, {}, async () => {
  await service.close()
})
