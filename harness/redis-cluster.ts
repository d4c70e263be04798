import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { createClient } from 'redis'
import { freePort } from './ports.ts'
import { answersPing, type RedisProcess, startRedisProcess, type Teardown } from './redis-process.ts'

// A real 6-node Redis Cluster (3 primaries, 3 replicas) of Debian's redis-server on loopback
// ports, formed by `redis-cli --cluster create`, every node stopped by pid in teardown.
// About 3 s to start on an idle machine.

const run = promisify(execFile)

export interface TestRedisCluster {
  /** Seed URLs, as REDIS_CLUSTER_URLS takes them. */
  urls: string[]
  nodes: RedisProcess[]
  /** The primary that serves this key now. */
  primaryOf(key: string): Promise<RedisProcess>
  /** Waits until every node reports cluster_state:ok and this many primaries (after a failover). */
  settled(primaries?: number): Promise<void>
}

async function clusterInfo(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info'])
  return stdout
}

/** Every replica among these nodes has its link to its primary up (or there is no replica left). */
async function replicasInSync(nodes: RedisProcess[]): Promise<boolean> {
  const roles = await Promise.all(nodes.map(async (node) => (await run('redis-cli', ['-p', String(node.port), 'info', 'replication'])).stdout))
  return roles.every((info) => !info.includes('role:slave') || info.includes('master_link_status:up'))
}

export async function startRedisCluster(t: Teardown): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const nodes: RedisProcess[] = []
  for (let index = 0; index < 6; index++) {
    const port = await freePort()
    const busPort = await freePort()
    const nodeDir = join(dir, String(index))
    await run('mkdir', ['-p', nodeDir])
    nodes.push(await startRedisProcess(t, [
      '--bind', '127.0.0.1', '--port', String(port), '--cluster-port', String(busPort), '--dir', nodeDir,
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      // A dead primary is noticed within 2 s and its replica promoted (docs/redis.md: failover).
      '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no',
      // A replica syncs at once (the default waits 5 s for more replicas): one that never synced
      // refuses to take over ("disconnected from master for longer than allowed").
      '--repl-diskless-sync-delay', '0',
    ], port, () => answersPing(`redis://127.0.0.1:${port}`)))
  }
  await run('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 })

  const settled = async (primaries = 3) => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const alive = nodes.filter((node) => node.alive())
      const infos = await Promise.all(alive.map((node) => clusterInfo(node.port).catch(() => '')))
      const ok = infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_size:${primaries}`))
      if (ok && (await replicasInSync(alive))) return
      await sleep(100)
    }
    throw new Error('the cluster did not settle within 60 s')
  }
  await settled()

  return {
    urls: nodes.slice(0, 3).map((node) => `redis://127.0.0.1:${node.port}`),
    nodes,
    settled,
    async primaryOf(key) {
      const asked = nodes.find((node) => node.alive())
      const client = createClient({ url: `redis://127.0.0.1:${asked?.port}`, socket: { reconnectStrategy: false } })
      client.on('error', () => {})
      await client.connect()
      try {
        const slot = await client.sendCommand(['CLUSTER', 'KEYSLOT', key])
        const shards = (await client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number, string]]>
        const shard = shards.find(([from, to]) => Number(slot) >= from && Number(slot) <= to)
        const node = nodes.find((candidate) => candidate.port === Number(shard?.[2][1]))
        if (!node) throw new Error(`no node serves slot ${slot}`)
        return node
      } finally {
        await client.close()
      }
    },
  }
}
