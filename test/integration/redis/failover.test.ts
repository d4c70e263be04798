import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { RedisConnectionConfig } from '../../../src/config/types.ts'
import { text } from '../../../harness/html.ts'
import { BffBrowser } from '../../helpers/bff.ts'
import { startRedisCluster } from '../../helpers/redis-cluster.ts'
import { twoReplicas } from '../../helpers/redis-journey.ts'
import { sentinelMasterName, startRedisSentinel } from '../../helpers/redis-sentinel.ts'

// Failover while signed-in users keep loading pages: the Redis primary that holds sessions is
// killed (SIGKILL). Every request answers, 200 or our 503 page, none hangs; within 15 s of the
// promotion the same sessions work again, still signed in. 20 users (the issue asks 200: kept
// small for CI on two shared cores). The figures go to the test's output and docs/redis.md.

const users = 20
/** Longest a request may take during the switch: the store guard's 1 s per command, many times over for a busy machine. */
const answerBoundMs = 10_000
const recoveryBoundMs = 15_000

interface Answer { status: number; ms: number; at: number; signedIn: boolean; ourPage: boolean }

async function failover(t: Test, redis: RedisConnectionConfig, kill: (sessionKeys: string[]) => Promise<void>, promoted: () => Promise<void>) {
  const { a, b, tenant, session } = await twoReplicas(t, redis)
  const browsers: BffBrowser[] = []
  for (let index = 0; index < users; index++) {
    const browser = new BffBrowser(index % 2 ? a.url : b.url, tenant)
    await browser.signIn()
    browsers.push(browser)
  }
  const sessionIds = browsers.map((browser) => {
    const value = decodeURIComponent(browser.cookies.get('session') ?? '')
    return value.slice(0, value.lastIndexOf('.'))
  })
  // As the BFF names them on a Cluster (hash tag around the id); the Sentinel test needs none.
  const sessionKeys = sessionIds.map((id) => `${session.redisKeyPrefix}session:{${id}}`)
  const answers: Answer[] = []
  const load = async () => {
    const round = await Promise.all(browsers.map(async (browser, index) => {
      const started = performance.now()
      const page = await browser.get(index % 2 ? '/' : '/profile')
      const ms = performance.now() - started
      const answer = { status: page.status, ms, at: performance.now(), signedIn: page.status === 200 && /Demo User/.test(text(page.body, 'main') ?? ''), ourPage: page.status === 503 && /briefly unavailable/.test(page.body) }
      answers.push(answer)
      return answer
    }))
    return round.every((answer) => answer.signedIn)
  }
  const before = await load()
  t.ok(before, 'every user signed in before the failover', { statuses: answers.map((answer) => `${answer.status}${answer.signedIn ? '' : ' not signed in'}`) })

  const killedAt = performance.now()
  await kill(sessionKeys)
  let promotedAt: number | undefined
  const promotion = promoted().then(() => { promotedAt = performance.now() })
  let recoveredAt: number | undefined
  for (let round = 0; round < 600 && recoveredAt === undefined; round++) {
    const allSignedIn = await load()
    if (allSignedIn && promotedAt !== undefined) recoveredAt = performance.now()
    else await sleep(100)
  }
  await promotion
  const during = answers.filter((answer) => answer.at > killedAt)
  const unavailable = during.filter((answer) => answer.status === 503)
  const slowest = Math.max(...during.map((answer) => answer.ms))
  const figures = {
    requests: during.length, answered503: unavailable.length,
    first503AfterKillMs: unavailable.length ? Math.round(unavailable[0].at - killedAt) : null,
    last503AfterKillMs: unavailable.length ? Math.round(unavailable[unavailable.length - 1].at - killedAt) : null,
    promotionAfterKillMs: promotedAt === undefined ? null : Math.round(promotedAt - killedAt),
    recoveredAfterPromotionMs: recoveredAt === undefined || promotedAt === undefined ? null : Math.round(recoveredAt - promotedAt),
    slowestAnswerMs: Math.round(slowest),
  }
  t.comment(`failover figures: ${JSON.stringify(figures)}`)
  t.same(during.filter((answer) => answer.status !== 200 && !answer.ourPage).map((answer) => answer.status), [], 'every answer is the page or our 503 page')
  t.ok(slowest < answerBoundMs, `no request hung (slowest ${Math.round(slowest)} ms)`)
  t.ok(recoveredAt !== undefined, 'the same sessions work again, signed in')
  t.ok(figures.recoveredAfterPromotionMs !== null && figures.recoveredAfterPromotionMs <= recoveryBoundMs, `within 15 s of the promotion (${figures.recoveredAfterPromotionMs} ms)`)
}

t.test('Cluster: the primary holding a session\'s slot dies; its replica takes over and the sessions come back', async (t) => {
  const cluster = await startRedisCluster(t)
  if (!cluster) return
  const redis = { topology: { kind: 'cluster' as const, urls: cluster.urls } }
  let killed: number | undefined
  let keyOfKilled = ''
  await failover(t, redis, async (sessionKeys) => {
    keyOfKilled = sessionKeys[0]
    const primary = await cluster.primaryOf(keyOfKilled)
    killed = primary.port
    await primary.kill()
  }, async () => {
    // Promoted: the killed primary's slots are served by its replica, and the Cluster says ok.
    for (let attempt = 0; attempt < 600; attempt++) {
      const serving = await cluster.primaryOf(keyOfKilled).then((node) => node.port, () => killed)
      if (serving !== killed) return cluster.settled()
      await sleep(100)
    }
    throw new Error('the Cluster did not promote a replica within 60 s')
  })
})

t.test('Sentinel: the primary dies; the Sentinels promote the replica and the sessions come back', async (t) => {
  const sentinel = await startRedisSentinel(t)
  if (!sentinel) return
  const redis = { topology: { kind: 'sentinel' as const, urls: sentinel.urls, masterName: sentinelMasterName } }
  await failover(t, redis, () => sentinel.primary.kill(), async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      if ((await sentinel.primaryPort().catch(() => sentinel.primary.port)) === sentinel.replica.port) return
      await sleep(100)
    }
    throw new Error('the Sentinels did not promote the replica within 60 s')
  })
})
