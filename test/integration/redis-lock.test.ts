import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createRedisLock, LockTimeoutError } from '../../src/lib/redis-lock.ts'
import { connectTestRedis } from '../helpers/redis.ts'

t.test('work under one key runs one at a time, across lock instances', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const replicaA = createRedisLock(redis.client, { prefix: redis.prefix })
  const replicaB = createRedisLock(redis.client, { prefix: redis.prefix })
  let inside = 0
  let mostInside = 0
  const work = async () => {
    inside++
    mostInside = Math.max(mostInside, inside)
    await sleep(10)
    inside--
  }
  await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? replicaA : replicaB).withLock('session-1', work)))
  t.equal(mostInside, 1)
})

t.test('different keys do not wait for each other', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 50 })
  let release!: () => void
  const held = lock.withLock('session-1', () => new Promise<void>((resolve) => (release = resolve)))
  t.equal(await lock.withLock('session-2', async () => 'done'), 'done')
  release()
  await held
})

t.test('a waiter gives up with LockTimeoutError when the holder takes too long', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 50 })
  let release!: () => void
  const held = lock.withLock('session-1', () => new Promise<void>((resolve) => (release = resolve)))
  await t.rejects(lock.withLock('session-1', async () => 'never'), LockTimeoutError)
  release()
  await held
})

t.test('the lock is released when the work throws', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 50 })
  await t.rejects(lock.withLock('session-1', async () => { throw new Error('refresh failed') }), /refresh failed/)
  t.equal(await lock.withLock('session-1', async () => 'again'), 'again')
})

t.test('an expired lease frees the lock and its old holder cannot release the new one', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const dyingReplica = createRedisLock(redis.client, { prefix: redis.prefix, leaseMs: 30 })
  const healthyReplica = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 1_000 })
  const slow = dyingReplica.withLock('session-1', () => sleep(80))
  await sleep(40)
  let release!: () => void
  const second = healthyReplica.withLock('session-1', () => new Promise<void>((resolve) => (release = resolve)))
  await slow
  t.equal(await redis.client.exists(`${redis.prefix}session-1`), 1, 'the new holder keeps its lock')
  release()
  await second
})
