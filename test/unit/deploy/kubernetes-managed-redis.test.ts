import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { checkEnv } from '../../../src/config/read-env.ts'
import { redisConnectionOf, redisProblems } from '../../../src/config/redis-config.ts'

// deploy/kubernetes-managed-redis/ is a kustomize overlay of deploy/kubernetes/: the same
// deployment with Azure Managed Redis (Entra authentication through AKS workload identity) in
// place of the Redis StatefulSet. No cluster or kustomize runs here: the overlay's strategic-merge
// patches (the only kind it uses) are applied to the base's manifests by hand, and the result is
// checked against Kubernetes' API schemas and the BFF's own Redis rules. (Rendered with
// `kubectl kustomize` 5.5 while it was written: the same result.)

type Manifest = { kind: string; apiVersion: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [field: string]: unknown }
type Patch = Manifest & { $patch?: 'delete' }

const root = new URL('../../../deploy/', import.meta.url).pathname
const documents = (file: string) => parseAllDocuments(readFileSync(join(root, file), 'utf8')).map((document) => document.toJS() as Manifest)
const overlay = documents('kubernetes-managed-redis/kustomization.yaml')[0] as unknown as { namespace: string; resources: string[]; patches: ({ path: string } | { patch: string })[] }
const base = documents('kubernetes/kustomization.yaml')[0] as unknown as { namespace: string; resources: string[] }
const baseManifests = base.resources.flatMap((file) => documents(`kubernetes/${file}`))
const patches: Patch[] = overlay.patches.flatMap((entry) => ('path' in entry ? documents(`kubernetes-managed-redis/${entry.path}`) : parseAllDocuments(entry.patch).map((document) => document.toJS() as Patch)))
const same = (a: Manifest, b: Manifest) => a.kind === b.kind && a.metadata.name === b.metadata.name

/** A strategic merge patch as kustomize applies it, for the parts this overlay uses (maps, lists merged by `name`, `$patch: delete`). */
function strategicMerge(target: unknown, patch: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(patch)) {
    const merged = [...target] as { name?: string }[]
    for (const item of patch as ({ name?: string; $patch?: string })[]) {
      const at = merged.findIndex((existing) => existing.name === item.name)
      if (item.$patch === 'delete') merged.splice(at, 1)
      else if (at >= 0) merged[at] = strategicMerge(merged[at], item) as { name?: string }
      else merged.unshift(item)
    }
    return merged
  }
  if (!target || !patch || typeof target !== 'object' || typeof patch !== 'object') return patch ?? target
  const result: Record<string, unknown> = { ...(target as Record<string, unknown>) }
  for (const [key, value] of Object.entries(patch)) result[key] = strategicMerge(result[key], value)
  return result
}

const rendered: Manifest[] = [...baseManifests, ...documents('kubernetes-managed-redis/serviceaccount.yaml')]
  .filter((manifest) => !patches.some((patch) => patch.$patch === 'delete' && same(patch, manifest)))
  .map((manifest) => patches.filter((patch) => !patch.$patch && same(patch, manifest)).reduce((result, patch) => strategicMerge(result, patch) as Manifest, manifest))
const bff = rendered.find((manifest) => manifest.kind === 'Deployment' && manifest.metadata.name === 'edit-profile-bff')!
const pod = (bff.spec as { template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName?: string; automountServiceAccountToken?: boolean; containers: IContainer[] } } }).template
const container = pod.spec.containers.find((candidate) => candidate.name === 'bff')!

t.test('the overlay builds on deploy/kubernetes in its namespace and every patch meets a manifest there', async (t) => {
  t.same(overlay.resources, ['../kubernetes', 'serviceaccount.yaml'])
  t.equal(overlay.namespace, base.namespace)
  for (const patch of patches) t.ok(baseManifests.some((manifest) => same(manifest, patch)), `${patch.$patch ?? 'patch'} ${patch.kind} ${patch.metadata.name}`)
  t.same(readdirSync(join(root, 'kubernetes-managed-redis')).sort(), ['bff-managed-redis.yaml', 'kustomization.yaml', 'serviceaccount.yaml'], 'no file the overlay does not use')
})

t.test('no Redis of our own is left, and nothing names it', async (t) => {
  t.same(rendered.filter((manifest) => manifest.metadata.name === 'edit-profile-redis').map((manifest) => manifest.kind), [], 'StatefulSet, Service and NetworkPolicy gone')
  t.notMatch(JSON.stringify(rendered), /edit-profile-redis/, 'no address or selector points at it')
  t.notOk(container.env?.some((entry) => entry.name === 'REDIS_PASSWORD'), 'no Redis password: the Entra token is the credential')
})

t.test('the BFF runs as the workload identity\'s ServiceAccount, and both are valid against the Kubernetes API schema', async (t) => {
  t.doesNotThrow(() => new Deployment(bff as never).validate(), 'the patched Deployment')
  const account = rendered.find((manifest) => manifest.kind === 'ServiceAccount')!
  t.doesNotThrow(() => new ServiceAccount(account as never).validate(), 'the ServiceAccount')
  t.equal(pod.spec.serviceAccountName, account.metadata.name)
  t.equal(pod.metadata.labels['azure.workload.identity/use'], 'true', 'the webhook injects the identity into these pods')
  t.match(account.metadata.annotations?.['azure.workload.identity/client-id'], /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/, 'the managed identity\'s client ID')
  t.equal((account as { automountServiceAccountToken?: boolean }).automountServiceAccountToken, false, 'no Kubernetes API token for the BFF')
  t.equal(pod.spec.automountServiceAccountToken, false, 'the pod still mounts none (the webhook projects its own token)')
})

t.test('with what the webhook injects, the BFF\'s Redis configuration is Azure Managed Redis over TLS with Entra tokens', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'workload-identity-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const tokenFile = join(dir, 'azure-identity-token')
  await writeFile(tokenFile, 'a projected service account token')
  const config = rendered.find((manifest) => manifest.kind === 'ConfigMap')!.data as Record<string, string>
  const values = Object.fromEntries((container.env ?? []).flatMap((entry) => (entry.value === undefined ? [] : [[entry.name, entry.value]])))
  const webhook = { AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555', AZURE_TENANT_ID: '66666666-7777-8888-9999-000000000000', AZURE_FEDERATED_TOKEN_FILE: tokenFile }
  const { env, problems } = checkEnv({ ...config, ...values, ...webhook })
  t.same(problems, [], 'every value is well-formed')
  t.same(redisProblems(env, new Set()), [], 'and the Redis rules hold (TLS, no password beside the token, a tenant for the token file)')
  const redis = redisConnectionOf(env)
  t.match(redis?.topology, { kind: 'single', url: /^rediss:\/\/[^/]+:10000$/ }, 'TLS on Azure Managed Redis\'s port')
  t.same(redis?.entra, { clientId: webhook.AZURE_CLIENT_ID, tenantId: webhook.AZURE_TENANT_ID, clientSecret: undefined, federatedTokenFile: tokenFile })
})
