import { readFileSync } from 'node:fs'
import { createClient, createCluster, createSentinel } from 'redis'
import type { RedisConnectionConfig } from '../redis-config-types.ts'

// The one place that knows which Redis the BFF talks to: one node, a Cluster or a Sentinel-watched
// primary, with TLS, a password or Microsoft Entra tokens. The stores take the `client` it returns
// and never learn the topology; what they may send is what a Cluster accepts (one hash slot per
// script or MULTI, no KEYS, no SCAN), so the same store code runs on all three (docs/redis.md).

/** The one-node client as the stores use it; a Cluster or Sentinel client answers the same commands. */
type NodeClient = ReturnType<typeof createClient>
export type RedisCommands = Pick<NodeClient, 'get' | 'set' | 'eval' | 'del' | 'exists' | 'sMembers' | 'sRem' | 'zCount' | 'zRem' | 'strLen' | 'pTTL'>

export interface RedisConnection {
  client: RedisCommands
  topology: RedisConnectionConfig['topology']['kind']
  /**
   * Wraps a session's part of a key in a hash tag on a Cluster (`{id}`), so a session's value and
   * its tombstone land in one slot (one script touches both); elsewhere the key is left as it was.
   */
  slotTag(part: string): string
  connect(): Promise<void>
  /** PING, on every primary of a Cluster (one down primary is a store that cannot serve everyone). */
  ping(): Promise<void>
  close(): Promise<void>
}

export interface RedisConnectionOptions {
  /** Connection errors; the client keeps reconnecting by itself. */
  onError(error: Error): void
  /** Entra token renewal failed: logged once per failure, the connection goes on with its token until Redis refuses it. */
  onReAuthenticationError?(error: Error): void
}

interface Socket {
  connectTimeout: number
  reconnectStrategy(retries: number): number
  tls?: true
  ca?: string
  cert?: string
  key?: string
}

function socketOf(config: RedisConnectionConfig, secure: boolean): Socket {
  const socket: Socket = {
    connectTimeout: 2_000,
    // Capped backoff, forever: Redis that comes back is used again without a restart.
    reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
  }
  if (!secure && !config.tls) return socket
  return {
    ...socket,
    tls: true,
    ...(config.tls?.caFile ? { ca: readFileSync(config.tls.caFile, 'utf8') } : {}),
    ...(config.tls?.certFile && config.tls.keyFile ? { cert: readFileSync(config.tls.certFile, 'utf8'), key: readFileSync(config.tls.keyFile, 'utf8') } : {}),
  }
}

const hostAndPort = (url: string) => {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port || 6379) }
}

export async function createRedisConnection(config: RedisConnectionConfig, options: RedisConnectionOptions): Promise<RedisConnection> {
  const credentials = config.entra
    ? { credentialsProvider: await (await import('./redis-entra-auth.ts')).entraCredentialsProvider(config.entra, options) }
    : config.username || config.password ? { username: config.username, password: config.password } : {}
  // No offline queue: while Redis is down a command fails at once (the store guard's 503),
  // instead of waiting in memory for a Redis that may not come back soon.
  const common = { disableOfflineQueue: true, ...credentials }
  const { topology } = config

  if (topology.kind === 'cluster') {
    const secure = topology.urls.some((url) => url.startsWith('rediss:'))
    const cluster = createCluster({
      rootNodes: topology.urls.map((url) => ({ url })),
      defaults: { ...common, socket: socketOf(config, secure) },
      // A primary that stops answering is asked about again after 1 s (default 5 s): the client
      // learns the promoted replica soon after the Cluster does (docs/redis.md: failover).
      topologyRefreshOnReconnectionAttemptStrategy: 1_000,
    })
    cluster.on('error', options.onError)
    return {
      client: cluster,
      topology: 'cluster',
      slotTag: (part) => `{${part}}`,
      connect: async () => { await cluster.connect() },
      async ping() {
        await Promise.all(cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()))
      },
      async close() { if (cluster.isOpen) await cluster.close() },
    }
  }

  if (topology.kind === 'sentinel') {
    const secure = topology.urls.some((url) => url.startsWith('rediss:'))
    const sentinel = createSentinel({
      name: topology.masterName,
      sentinelRootNodes: topology.urls.map(hostAndPort),
      nodeClientOptions: { ...common, socket: socketOf(config, secure) },
      // Sentinels are asked where the primary is; they take the same TLS, not the data credentials.
      sentinelClientOptions: { socket: socketOf(config, secure) },
      // No periodic scan (scanInterval stays 0): node-redis 6.3 holds every command while a scan
      // asks the Sentinels, so a scan each second stalled all commands past the store guard's
      // deadline under load. The client follows a failover without it: the Sentinels' switch-master
      // message, and a command meeting a lost primary, make it ask them again.
      // One connection to the primary (the default): with a pool of several, node-redis 6.3 let
      // the first commands after connecting wait forever for a pooled client (measured: 20
      // parallel SETs, none answered in 3 s), which the store guard turned into 503s.
    })
    sentinel.on('error', options.onError)
    return {
      client: sentinel,
      topology: 'sentinel',
      slotTag: (part) => part,
      connect: async () => { await sentinel.connect() },
      async ping() { await sentinel.ping() },
      async close() { if (sentinel.isOpen) await sentinel.close() },
    }
  }

  const client = createClient({ url: topology.url, ...common, socket: socketOf(config, topology.url.startsWith('rediss:')) })
  client.on('error', options.onError)
  return {
    client,
    topology: 'single',
    slotTag: (part) => part,
    connect: async () => { await client.connect() },
    async ping() { await client.ping() },
    async close() { if (client.isOpen) await client.close() },
  }
}
