// fastify-entra-bff/redis: the plugin's stores in Redis (one node, a Cluster or Sentinels; TLS,
// a password or Microsoft Entra tokens), for apps that run as several replicas. A separate
// entry point: an app that keeps sessions in memory never loads the Redis client.

export { createRedisStores, type RedisStores } from './stores/redis-stores.ts'
export { createRedisConnection, type RedisCommands, type RedisConnection } from './stores/redis-connection.ts'
export type { BffSessionConfig, RedisConnectionConfig, RedisEntraAuth, RedisTopology } from './redis-config-types.ts'
