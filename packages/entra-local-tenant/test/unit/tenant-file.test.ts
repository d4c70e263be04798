import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { readTenantFile, type TenantFile } from '../../src/index.ts'

// The tenant file is checked against tenant.schema.json when it is read: a mistake names its place.

/** The shipped tenant file, edited as loosely as a person editing JSON would. */
async function tenantFileWith(t: Test, edit: (file: Omit<Partial<TenantFile>, 'apps'> & { apps: Record<string, Record<string, unknown>> }) => void): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tenant-file-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = JSON.parse(JSON.stringify(await readTenantFile()))
  edit(file)
  const path = join(dir, 'tenant.json')
  await writeFile(path, JSON.stringify(file))
  return path
}

t.test('the shipped tenant file passes its own schema', async (t) => {
  const tenant = await readTenantFile()
  t.equal(tenant.tenant.subdomain, 'contoso')
  t.ok(tenant.apps.desktop.isFallbackPublicClient)
})

t.test('a field the tenant file does not know is refused with its place', async (t) => {
  const path = await tenantFileWith(t, (file) => { file.apps.bff.redirectUri = 'http://localhost:3000/' })
  await t.rejects(readTenantFile(path), { message: `${path}: /apps/bff has "redirectUri", which a tenant file does not know (see tenant.schema.json)` })
})

t.test('a client id that is not a GUID is refused with its place', async (t) => {
  const path = await tenantFileWith(t, (file) => { file.apps.profileService.clientId = 'edit-profile-service' })
  await t.rejects(readTenantFile(path), { message: /\/apps\/profileService\/clientId must match pattern/ })
})

t.test('policies, authentication contexts and settings may be left out', async (t) => {
  const path = await tenantFileWith(t, (file) => {
    delete file.policies
    delete file.authenticationContexts
    delete file.settings
  })
  const tenant = await readTenantFile(path)
  t.same(tenant.policies, [])
  t.same(tenant.authenticationContexts, [])
  t.equal(tenant.settings.refreshTokenLifetimeSeconds, 90 * 86_400)
})
