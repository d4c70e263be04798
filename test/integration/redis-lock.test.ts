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

t.test('a holder that died frees the lock when its lease runs out', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  // What a replica killed mid-refresh leaves behind: its lock, with nobody renewing it.
  await redis.client.set(`${redis.prefix}session-1`, 'replica-that-died', { expiration: { type: 'PX', value: 50 } })
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 2_000 })
  t.equal(await lock.withLock('session-1', async () => 'taken over'), 'taken over')
})

t.test('a slow holder keeps its lock past the lease: nobody else runs while its work is in flight', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  // A lease short enough to run out twice while the waiter waits, long enough that a busy CI
  // machine still renews it in time (renewal every third of a lease).
  const holder = createRedisLock(redis.client, { prefix: redis.prefix, leaseMs: 400 })
  const waiter = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 1_000 })
  let release!: () => void
  const slow = holder.withLock('session-1', () => new Promise<void>((resolve) => (release = resolve)))
  await t.rejects(waiter.withLock('session-1', async () => 'too early'), LockTimeoutError, 'still held after more than two leases')
  release()
  await slow
  t.equal(await waiter.withLock('session-1', async () => 'after'), 'after')
})

t.test('a lock whose Redis commands fail reports the guard error, and the work never runs', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, guard: async () => { throw new Error('store down') } })
  let ran = false
  await t.rejects(lock.withLock('session-1', async () => { ran = true }), /store down/)
  t.notOk(ran)
})
