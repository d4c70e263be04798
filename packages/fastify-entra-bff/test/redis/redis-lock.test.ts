import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { createRedisLock, LockTimeoutError, LockUnavailableError } from '../../src/stores/redis-lock.ts'
import { createRedisClient } from '../../src/stores/redis-client.ts'
import { createStoreGuard } from '../../src/stores/store-guard.ts'
import { connectTestRedis, startPrivateRedis } from '../../../../test/helpers/redis.ts'

type RedisClient = NonNullable<Awaited<ReturnType<typeof connectTestRedis>>>['client']

/** Takes the lock under `key` with work that runs until `release()`; resolves once the work runs. */
async function holdLock(lock: ReturnType<typeof createRedisLock>, key: string) {
  let release!: () => void
  let working!: () => void
  const inFlight = new Promise<void>((resolve) => (working = resolve))
  const settled = lock.withLock(key, () => {
    working()
    return new Promise<void>((resolve) => (release = resolve))
  })
  await inFlight
  return { release, settled }
}

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
  const key = `${redis.prefix}session-1`
  await redis.client.set(key, 'replica-that-died', { expiration: { type: 'PX', value: 200 } })
  const left = await redis.client.pTTL(key)
  t.ok(left > 0 && left <= 200, `Redis holds the dead holder's lease (${left} ms left)`)
  // The wait is far longer than the lease, so a loaded machine cannot make this flaky.
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 10_000 })
  t.equal(await lock.withLock('session-1', async () => 'taken over'), 'taken over')
})

/**
 * Watches the key until its first lease would have run out, counting the renewals Redis shows
 * (its time to live going back up); fails if the key ever disappears.
 */
async function watchLease(t: Test, client: RedisClient, key: string, leaseMs: number) {
  const leaseEnd = Date.now() + leaseMs
  let renewals = 0
  let last = await client.pTTL(key)
  while (Date.now() <= leaseEnd || renewals < 2) {
    await sleep(20)
    const left = await client.pTTL(key)
    if (left < 0) {
      t.fail(`the lock expired while its holder was still working, after ${renewals} renewals`)
      break
    }
    if (left > last) renewals++
    last = left
  }
  return renewals
}

t.test('a slow holder keeps its lock past the lease: nobody else runs while its work is in flight', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  // Redis's own clock shows the renewals (PTTL goes back up). The only timing here is the
  // renewal itself, every third of a lease: this lease leaves a loaded machine a second to renew.
  const leaseMs = 1_500
  const holder = createRedisLock(redis.client, { prefix: redis.prefix, leaseMs })
  const waiter = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 50 })
  const { release, settled: slow } = await holdLock(holder, 'session-1')
  t.ok(await watchLease(t, redis.client, `${redis.prefix}session-1`, leaseMs) >= 2, 'held past its first lease, renewed by the holder')
  await t.rejects(waiter.withLock('session-1', async () => 'too early'), LockTimeoutError, 'still held: nobody else runs')
  release()
  await slow
  t.equal(await redis.client.exists(`${redis.prefix}session-1`), 0, 'released when the work settles')
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

/** Waits (polling, far past any renewal) until `check` is true; false if it never became so. */
async function eventually(check: () => boolean, boundMs = 10_000) {
  for (const until = Date.now() + boundMs; Date.now() < until;) {
    if (check()) return true
    await sleep(10)
  }
  return check()
}

t.test('the work knows whether its lease still holds: confirmed by Redis less than a lease ago, and still its own', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  // The lease is counted on an injected clock; renewals still run on real timers (every 200 ms,
  // every 60 ms after a failure), and the test waits for them without bounding how soon they come.
  let clock = 1_000_000
  let redisDown = false
  const guard = <T>(command: () => Promise<T>) => (redisDown ? Promise.reject(new Error('store unavailable')) : command())
  const leaseMs = 600
  const lock = createRedisLock(redis.client, { prefix: redis.prefix, leaseMs, guard, now: () => clock })
  const key = `${redis.prefix}session-1`
  await lock.withLock('session-1', async (lease) => {
    t.ok(lease.held(), 'held as soon as it is taken')
    clock += leaseMs - 200
    t.ok(lease.held(), 'still held within its lease')
    redisDown = true
    clock += 200
    t.notOk(lease.held(), 'Redis did not confirm it for a lease (less a margin): no longer certain')
    redisDown = false
    t.ok(await eventually(() => lease.held()), 'Redis answers again, the lease was still its own: held again')
    await redis.client.set(key, 'another-holder', { expiration: { type: 'PX', value: 5_000 } })
    t.ok(await eventually(() => !lease.held()), 'taken over by another holder: not held')
    clock += 10 * leaseMs
    await sleep(300)
    t.notOk(lease.held(), 'and never again')
  })
})

t.test('an attempt the guard gave up on that reaches Redis later leaves no lock behind', async (t) => {
  const redis = await startPrivateRedis(t)
  if (!redis) return
  // The real store guard (deadline, circuit) and client; Redis frozen (SIGSTOP) holds the SET in
  // its socket past the deadline and runs it when it thaws, as a Sentinel client runs commands
  // it held through a failover once the new primary answers.
  const client = createRedisClient({ url: redis.url, onError: () => {} })
  await client.connect()
  t.teardown(() => client.close())
  const storeGuard = createStoreGuard({ commandTimeoutMs: 200 })
  const lock = createRedisLock(client, { guard: (command) => storeGuard.run(command) })
  redis.freeze()
  t.notOk(storeGuard.failedWithin(60_000), 'the guard has seen no failure yet')
  await t.rejects(lock.withLock('session-1', async () => 'never'), { name: 'DependencyFailure' }, 'no answer within the deadline')
  t.ok(storeGuard.failedWithin(60_000), 'and says a command failed')
  redis.thaw()
  await client.ping() // after everything sent before it, on the same connection
  const sets = Number(/cmdstat_set:calls=(\d+)/.exec(await client.info('commandstats'))?.[1] ?? 0)
  t.ok(sets >= 1, 'the attempt did reach Redis late')
  t.equal(await client.exists('lock:session-1'), 0, 'and the release sent after it took the lock away again')
  t.equal(await lock.withLock('session-1', async () => 'next'), 'next', 'the next request takes the lock at once')
})

t.test('a held lock is not waited for once stopWaiting says so (Redis failing): the request answers at once', async (t) => {
  const redis = await connectTestRedis(t)
  if (!redis) return
  let failing = false
  const holder = createRedisLock(redis.client, { prefix: redis.prefix })
  const waiter = createRedisLock(redis.client, { prefix: redis.prefix, waitMs: 60_000, stopWaiting: () => failing })
  const { release, settled: held } = await holdLock(holder, 'session-1')
  const waiting = waiter.withLock('session-1', async () => 'too early')
  failing = true
  await t.rejects(waiting, LockUnavailableError, 'gives up long before its 60 s wait')
  failing = false
  release()
  await held
  t.equal(await waiter.withLock('session-1', async () => 'after'), 'after', 'and takes the lock once it is free')
})
