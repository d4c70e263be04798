import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { IContainer } from 'kubernetes-models/v1/Container'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import { Deployment } from 'kubernetes-models/apps/v1/Deployment'
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet'
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import { Secret } from 'kubernetes-models/v1/Secret'
import { Service } from 'kubernetes-models/v1/Service'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { envSchema } from '../../../src/config/env-schema.ts'

// deploy/kubernetes/ checked against Kubernetes' own API schemas (the kubernetes-models package is
// generated from them), then for what the deployment relies on. No cluster runs here.

const folder = new URL('../../../deploy/kubernetes/', import.meta.url).pathname
const models = { Deployment, StatefulSet, Ingress, NetworkPolicy, PodDisruptionBudget, ConfigMap, Namespace, Secret, Service }
type Kind = keyof typeof models

interface Manifest { file: string; kind: Kind; apiVersion: string; metadata: { name: string; labels?: Record<string, string> }; [field: string]: unknown }

const files = readdirSync(folder).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml').sort()
const manifests: Manifest[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(folder, file), 'utf8')).map((document) => ({ ...(document.toJS() as Omit<Manifest, 'file'>), file }) as Manifest),
)
const named = <T = Manifest>(kind: Kind, name: string) => manifests.find((m) => m.kind === kind && m.metadata.name === name) as T & Manifest
const podSpec = (workload: Manifest) => (workload.spec as { template: { spec: IPodSpec } }).template.spec
const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
const appContainers = (['edit-profile-bff', 'edit-profile-service'] as const).map((name) => podSpec(named('Deployment', name)).containers[0])

function schemaErrors(manifest: Manifest): string | undefined {
  const { file: _file, ...object } = manifest
  const Model = models[manifest.kind]
  if (!Model) return `${manifest.kind} has no model here`
  try {
    new Model(object as never).validate()
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}

t.test('every manifest is valid against the Kubernetes API schema of its kind', async (t) => {
  t.ok(manifests.length >= 12, `${manifests.length} manifests in ${files.join(', ')}`)
  for (const manifest of manifests) {
    t.equal(schemaErrors(manifest), undefined, `${manifest.file}: ${manifest.kind} ${manifest.metadata.name}`)
    t.equal(manifest.apiVersion, new models[manifest.kind]().apiVersion, `${manifest.kind} uses the current apiVersion`)
  }
})

t.test('the schema check rejects a wrong type and a missing required field (it is not vacuous)', async (t) => {
  const bff = structuredClone(named('Deployment', 'edit-profile-bff'))
  ;(bff.spec as { replicas: unknown }).replicas = 'two'
  t.match(schemaErrors(bff), /replicas must be integer/)
  const service = structuredClone(named('Service', 'edit-profile-bff'))
  delete (service.spec as { ports: { port?: number }[] }).ports[0].port
  t.match(schemaErrors(service), /port/)
})

t.test('the BFF runs two replicas with readiness on /readyz and liveness on /healthz', async (t) => {
  const bff = named('Deployment', 'edit-profile-bff')
  t.equal((bff.spec as { replicas: number }).replicas, 2)
  const [container] = podSpec(bff).containers
  t.same(container.args, ['bff'])
  t.equal(container.readinessProbe?.httpGet?.path, '/readyz')
  t.equal(container.livenessProbe?.httpGet?.path, '/healthz')
  t.equal(container.ports?.[0].containerPort, 3000)
  t.ok(named('PodDisruptionBudget', 'edit-profile-bff'), 'a disruption budget keeps one replica up')
  const service = podSpec(named('Deployment', 'edit-profile-service')).containers[0]
  t.equal(service.readinessProbe?.httpGet?.path, '/readyz', 'the edit profile service is ready on /readyz')
  t.equal(service.livenessProbe?.httpGet?.path, '/healthz')
})

t.test('every workload runs non-root with a read-only root filesystem, no privileges and bounded resources', async (t) => {
  for (const workload of workloads) {
    const spec = podSpec(workload)
    t.equal(spec.securityContext?.runAsNonRoot, true, `${workload.metadata.name} runs as non-root`)
    t.ok((spec.securityContext?.runAsUser ?? 0) > 0, `${workload.metadata.name} names a non-zero uid`)
    t.equal(spec.automountServiceAccountToken, false, `${workload.metadata.name} gets no API token`)
    for (const container of spec.containers as IContainer[]) {
      const where = `${workload.metadata.name}/${container.name}`
      t.equal(container.securityContext?.readOnlyRootFilesystem, true, `${where} has a read-only root filesystem`)
      t.equal(container.securityContext?.allowPrivilegeEscalation, false, `${where} cannot escalate`)
      t.same(container.securityContext?.capabilities?.drop, ['ALL'], `${where} drops every capability`)
      t.ok(container.resources?.requests?.cpu && container.resources?.requests?.memory, `${where} requests cpu and memory`)
      t.ok(container.resources?.limits?.memory, `${where} has a memory limit`)
    }
  }
  t.equal(podSpec(named('Deployment', 'edit-profile-bff')).securityContext?.runAsUser, 1000, 'the image user, uid 1000')
})

t.test('services select real pods on real ports, and the TLS ingress routes to the BFF', async (t) => {
  for (const service of manifests.filter((m) => m.kind === 'Service')) {
    const spec = service.spec as { selector: Record<string, string>; ports: { targetPort: string }[] }
    const target = workloads.find((w) => Object.entries(spec.selector).every(([key, value]) => podSpec(w) && (w.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels[key] === value))
    t.ok(target, `${service.metadata.name} selects ${target?.metadata.name}`)
    const portNames = podSpec(target!).containers.flatMap((c) => c.ports?.map((p) => p.name) ?? [])
    t.ok(spec.ports.every((port) => portNames.includes(port.targetPort)), `${service.metadata.name} targets a named container port`)
  }
  const ingress = named('Ingress', 'edit-profile')
  const spec = ingress.spec as { tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[] }
  t.ok(spec.tls[0].secretName, 'TLS from a certificate Secret')
  t.same(spec.tls[0].hosts, [spec.rules[0].host], 'the certificate covers the routed host')
  t.equal(spec.rules[0].http.paths[0].backend.service.name, 'edit-profile-bff')
  const config = named<{ data: Record<string, string> }>('ConfigMap', 'edit-profile-config')
  t.equal(config.data.BFF_PUBLIC_ORIGIN, `https://${spec.rules[0].host}`, 'the BFF knows the origin users browse')
  t.equal(config.data.TRUST_PROXY, 'uniquelocal', 'the BFF trusts the ingress controller\'s private address')
  t.equal(config.data.PROFILE, 'entra')
  const bffPolicy = named<{ spec: { ingress: { from: { namespaceSelector?: unknown }[] }[] } }>('NetworkPolicy', 'edit-profile-bff')
  t.ok(bffPolicy.spec.ingress[0].from[0].namespaceSelector, 'only the ingress controller reaches the BFF pods')
})

t.test('configuration names are ones the app reads, and every reference resolves', async (t) => {
  const config = named<{ data: Record<string, string> }>('ConfigMap', 'edit-profile-config')
  const secret = named<{ stringData: Record<string, string> }>('Secret', 'edit-profile-secrets')
  // TRUST_PROXY joins the env schema with issue 10 part 1; REDIS_PASSWORD only builds REDIS_URL.
  const known = new Set([...Object.keys(envSchema.properties), 'TRUST_PROXY', 'REDIS_PASSWORD'])
  for (const name of [...Object.keys(config.data), ...appContainers.flatMap((c) => c.env?.map((e) => e.name) ?? [])]) {
    t.ok(known.has(name), `${name} is a variable the app reads`)
  }
  for (const workload of workloads) {
    for (const container of podSpec(workload).containers) {
      for (const entry of container.env ?? []) {
        const ref = entry.valueFrom?.secretKeyRef
        if (ref) t.ok(ref.name === secret.metadata.name && ref.key in secret.stringData, `${container.name} ${entry.name} ← secret key ${ref.key}`)
      }
      for (const source of container.envFrom ?? []) t.equal(source.configMapRef?.name, config.metadata.name)
    }
  }
})

t.test('no secret value is committed', async (t) => {
  const secret = named<{ stringData: Record<string, string>; data?: unknown }>('Secret', 'edit-profile-secrets')
  t.notOk(secret.data, 'no base64 data block')
  for (const [key, value] of Object.entries(secret.stringData)) t.equal(value, '', `${key} is empty in the template`)
  t.match(readFileSync(join(folder, 'secret.yaml'), 'utf8'), /openssl rand -base64 32/, 'the template says how to generate them')
})

t.test('kustomization.yaml applies every manifest except the Secret template', async (t) => {
  const kustomization = parseAllDocuments(readFileSync(join(folder, 'kustomization.yaml'), 'utf8'))[0].toJS() as { resources: string[] }
  t.same([...kustomization.resources].sort(), files.filter((file) => file !== 'secret.yaml'))
})
