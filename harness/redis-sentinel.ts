import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from 'redis'
import { freePort } from './ports.ts'
import { answersPing, type RedisProcess, startRedisProcess, type Teardown } from './redis-process.ts'

// A real Sentinel setup of Debian's redis-server on loopback ports: 1 primary, 1 replica and 3
// Sentinels (quorum 2) watching it as `mymaster`, every process stopped by pid in teardown.
// Sentinels run as `redis-server <conf> --sentinel` (the redis-sentinel command is the same binary).
// About 2 s to start on an idle machine.

export const sentinelMasterName = 'mymaster'

export interface TestRedisSentinel {
  /** As REDIS_SENTINEL_URLS takes them. */
  urls: string[]
  primary: RedisProcess
  replica: RedisProcess
  sentinels: RedisProcess[]
  /** The port the Sentinels name as primary now. */
  primaryPort(): Promise<number>
}

async function sentinelsPrimary(sentinelPort: number): Promise<number | undefined> {
  const client = createClient({ url: `redis://127.0.0.1:${sentinelPort}`, socket: { reconnectStrategy: false, connectTimeout: 1_000 } })
  client.on('error', () => {})
  try {
    await client.connect()
    const reply = (await client.sendCommand(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', sentinelMasterName])) as [string, string] | null
    return reply ? Number(reply[1]) : undefined
  } catch {
    return undefined
  } finally {
    if (client.isOpen) await client.close().catch(() => {})
  }
}

async function replicationOf(port: number): Promise<string> {
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false, connectTimeout: 1_000 } })
  client.on('error', () => {})
  try {
    await client.connect()
    return await client.info('replication')
  } finally {
    if (client.isOpen) await client.close().catch(() => {})
  }
}

export async function startRedisSentinel(t: Teardown): Promise<TestRedisSentinel> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-sentinel-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const node = (port: number, extra: string[] = []) => ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', ...extra]
  const primaryPort = await freePort()
  const primary = await startRedisProcess(t, node(primaryPort), primaryPort, () => answersPing(`redis://127.0.0.1:${primaryPort}`))
  const replicaPort = await freePort()
  const replica = await startRedisProcess(t, node(replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)]), replicaPort,
    async () => (await replicationOf(replicaPort)).includes('master_link_status:up'))

  const sentinels: RedisProcess[] = []
  for (let index = 0; index < 3; index++) {
    const port = await freePort()
    const conf = join(dir, `sentinel-${index}.conf`)
    // Sentinel rewrites its file (the replicas and peers it learns): one file each, in the temp dir.
    await writeFile(conf, [
      'bind 127.0.0.1', `port ${port}`, `dir ${dir}`,
      `sentinel monitor ${sentinelMasterName} 127.0.0.1 ${primaryPort} 2`,
      // A dead primary is declared down after 2 s and its replica promoted (docs/redis.md: failover).
      `sentinel down-after-milliseconds ${sentinelMasterName} 2000`,
      `sentinel failover-timeout ${sentinelMasterName} 10000`,
      `sentinel parallel-syncs ${sentinelMasterName} 1`,
      '',
    ].join('\n'))
    sentinels.push(await startRedisProcess(t, [conf, '--sentinel'], port, async () => (await sentinelsPrimary(port)) === primaryPort))
  }
  // Each Sentinel knows the replica and its peers before the test relies on a failover.
  for (let attempt = 0; attempt < 300; attempt++) {
    const infos = await Promise.all(sentinels.map(async (sentinel) => {
      const client = createClient({ url: `redis://127.0.0.1:${sentinel.port}`, socket: { reconnectStrategy: false } })
      client.on('error', () => {})
      await client.connect()
      try {
        return await client.info('sentinel')
      } finally {
        await client.close()
      }
    }).map((info) => info.catch(() => '')))
    if (infos.every((info) => /slaves=1,sentinels=3/.test(info))) break
    await sleep(100)
  }

  return {
    urls: sentinels.map((sentinel) => `redis://127.0.0.1:${sentinel.port}`),
    primary, replica, sentinels,
    async primaryPort() {
      for (const sentinel of sentinels) {
        if (!sentinel.alive()) continue
        const port = await sentinelsPrimary(sentinel.port)
        if (port) return port
      }
      throw new Error('no Sentinel names a primary')
    },
  }
}
