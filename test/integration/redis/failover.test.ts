import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { RedisConnectionConfig } from '../../../src/config/types.ts'
import { type Answer, EditingUser, type EditingUserSeed, seedEditingUsers } from '../../helpers/editing-users.ts'
import { renewTokensAtEveryRequestStrictly } from '../../helpers/local-tenant.ts'
import { startRedisCluster } from '../../helpers/redis-cluster.ts'
import { twoReplicas } from '../../helpers/replicas.ts'
import { sentinelMasterName, startRedisSentinel } from '../../helpers/redis-sentinel.ts'

// Failover while signed-in users keep loading pages and saving their profile: the Redis primary
// that holds sessions is killed (SIGKILL). Every request answers, the page, a save, or our 503
// page, none hangs; a save that fails keeps what the user typed; within 15 s of the promotion the
// same sessions work again, still signed in, and the drafts typed during the switch save. Access
// tokens that msal sees as expiring at once make every request refresh under the session's
// lock, and the tenant counts any refresh token presented twice: 0 across the switch. 20 users
// by default (the issue asks 200: kept small for CI on two shared cores); FAILOVER_USERS=200
// runs the count. The figures go to the test's output and docs/redis.md.

const users = Number(process.env.FAILOVER_USERS ?? 20)
if (!Number.isInteger(users) || users < 1) throw new Error(`FAILOVER_USERS must be a positive integer, not ${process.env.FAILOVER_USERS}`)
// Two topologies, each set up with 20 sign-ins and step-ups: about a minute on an idle 2-core machine,
// over five at load 12 (other suites on the same two cores): the file may take fifteen.
t.setTimeout(Math.max(900_000, users * 45_000))
/** Longest a request may take during the switch: the store guard's 1 s per command, many times over for a busy machine. */
const answerBoundMs = 10_000
const recoveryBoundMs = 15_000

interface Stack { users: EditingUser[]; sessionKeys: string[]; refreshTokenReuses: () => number }

async function editingUsersOn(t: Test, redis: RedisConnectionConfig): Promise<Stack> {
  let seeds: EditingUserSeed[] = []
  const { a, b, tenant, session } = await twoReplicas(t, redis, {
    inProcesses: true,
    tenant: {
      editTenant: (file) => {
        seeds = seedEditingUsers(file, users)
        // Every request redeems the session's refresh token; one sent twice would end the session.
        renewTokensAtEveryRequestStrictly(file)
      },
    },
  })
  const editing: EditingUser[] = []
  for (const [index, seed] of seeds.entries()) {
    const user = index % 2 ? new EditingUser(tenant, seed, a.url, b.url, index % 4 < 2) : new EditingUser(tenant, seed, b.url, a.url, index % 4 < 2)
    await user.signInAndStepUp()
    editing.push(user)
  }
  // As the BFF names session keys on a Cluster (hash tag around the id); the Sentinel test needs none.
  const sessionKeys = editing.map((user) => {
    const value = decodeURIComponent(user.pageTab.cookies.get('session') ?? '')
    return `${session.redisKeyPrefix}session:{${value.slice(0, value.lastIndexOf('.'))}}`
  })
  return { users: editing, sessionKeys, refreshTokenReuses: () => tenant.testing.refreshTokenReuses() }
}

/** A round: every user loads two pages at once, then types and saves. True when every page showed the user signed in. */
async function round(users: EditingUser[], answers: Answer[]): Promise<boolean> {
  const rounds = await Promise.all(users.map(async (user) => {
    const pages = await user.loadPages()
    const save = await user.typeAndSave()
    answers.push(...pages, save)
    return pages.every((page) => page.signedIn)
  }))
  return rounds.every(Boolean)
}

function spanMs(answers: Answer[], from: number) {
  return answers.length ? { firstAfterKillMs: Math.round(answers[0].at - from), lastAfterKillMs: Math.round(answers[answers.length - 1].at - from) } : null
}

function timeline(answers: Answer[], from: number) {
  const buckets: Record<string, { ok: number; unavailable: number; busy: number; other: number }> = {}
  for (const answer of answers) {
    const second = `${Math.floor((answer.at - from) / 5_000) * 5}s`
    buckets[second] ??= { ok: 0, unavailable: 0, busy: 0, other: 0 }
    const bucket = buckets[second]
    if (answer.status < 400) bucket.ok++
    else if (answer.busy) bucket.busy++
    else if (answer.ourUnavailablePage) bucket.unavailable++
    else bucket.other++
  }
  return buckets
}

/**
 * `kill` answers the users whose sessions it took down (a Cluster shard holds only some); the
 * figures then tell the 503s those users got from the 503s of everyone else.
 */
async function failover(t: Test, redis: RedisConnectionConfig, kill: (sessionKeys: string[]) => Promise<number[] | undefined>, promoted: () => Promise<void>) {
  const stack = await editingUsersOn(t, redis)
  const answers: Answer[] = []
  t.ok(await round(stack.users, answers), 'every user signed in before the failover', { statuses: answers.map((answer) => `${answer.kind} ${answer.status}${answer.signedIn ? '' : ' not signed in'}`) })
  t.ok(answers.filter((answer) => answer.kind === 'save').every((answer) => answer.saved), 'and every save before it saved')

  const killedAt = performance.now()
  const hit = await kill(stack.sessionKeys)
  const hitUsers = new Set((hit ?? stack.users.map((_, index) => index)).map((index) => stack.users[index].seed.email))
  let promotedAt: number | undefined
  const promotion = promoted().then(() => { promotedAt = performance.now() })
  let recoveredAt: number | undefined
  for (let attempt = 0; attempt < 600 && recoveredAt === undefined; attempt++) {
    const allSignedIn = await round(stack.users, answers)
    if (allSignedIn && promotedAt !== undefined) recoveredAt = performance.now()
    else await sleep(100)
  }
  await promotion

  const during = answers.filter((answer) => answer.at > killedAt)
  const saves = during.filter((answer) => answer.kind === 'save')
  const unavailable = during.filter((answer) => answer.status === 503)
  const failedSaves = saves.filter((answer) => !answer.saved)
  // Not Math.max(...): a run whose sessions never come back holds 600 rounds of answers, past the call stack.
  const slowestAnswer = during.reduce<Answer | undefined>((slow, answer) => (!slow || answer.ms > slow.ms ? answer : slow), undefined)
  const slowest = slowestAnswer?.ms ?? 0
  const figures = {
    users, requests: during.length, pages: during.length - saves.length, saves: saves.length,
    usersOnKilledPrimary: hitUsers.size, answered503: unavailable.length, answered503ToOtherUsers: unavailable.filter((answer) => !hitUsers.has(answer.user)).length, saves503: saves.filter((answer) => answer.status === 503).length, saves409: saves.filter((answer) => answer.status === 409).length,
    unavailable: spanMs(unavailable, killedAt),
    promotionAfterKillMs: promotedAt === undefined ? null : Math.round(promotedAt - killedAt),
    recoveredAfterPromotionMs: recoveredAt === undefined || promotedAt === undefined ? null : Math.round(recoveredAt - promotedAt),
    slowestAnswerMs: Math.round(slowest),
    slowestAnswer: slowestAnswer && { kind: slowestAnswer.kind, status: slowestAnswer.status, busy: slowestAnswer.busy, afterKillMs: Math.round(slowestAnswer.at - killedAt) },
    answered503Busy: unavailable.filter((answer) => answer.busy).length,
    // Per 5 s after the kill: answers that were the page or a save, our 503, and our "busy" 503.
    timeline: timeline(during, killedAt),
    // The last round (each user's two pages and a save): who the BFF no longer knows as signed in.
    usersSignedOutAtEnd: new Set(answers.slice(-3 * stack.users.length).filter((answer) => answer.kind === 'page' && !answer.signedIn).map((answer) => answer.user)).size,
  }

  // After the switch: each user saves what the form still holds (keeping theirs after a 409).
  const resaved = await Promise.all(stack.users.map(async (user) => {
    let answer = await user.save()
    if (answer.status === 409) answer = await user.save(true)
    const shown = await user.savedDisplayName()
    return answer.saved && shown === user.typed.displayName ? undefined : `${user.seed.email}: ${answer.status}, the card shows ${shown}, typed ${user.typed.displayName}`
  }))
  const reuses = stack.refreshTokenReuses()
  t.comment(`failover figures: ${JSON.stringify({ ...figures, refreshTokenReuses: reuses })}`)

  const wrongPages = during.filter((answer) => answer.kind === 'page' && answer.status !== 200 && !answer.ourUnavailablePage)
  t.same(wrongPages.map((answer) => answer.status), [], 'every page answered is the page or our 503 page')
  const wrongSaves = saves.filter((answer) => !answer.saved && !(answer.draftKept && (answer.status === 409 || answer.ourUnavailablePage)))
  t.same(wrongSaves.map((answer) => answer.status), [], 'every save answered saved, or our 503 (or a 409) with the typed values kept')
  t.ok(slowest < answerBoundMs, `no request hung (slowest ${Math.round(slowest)} ms)`)
  t.ok(recoveredAt !== undefined, 'the same sessions work again, signed in')
  t.ok(figures.recoveredAfterPromotionMs !== null && figures.recoveredAfterPromotionMs <= recoveryBoundMs, `within 15 s of the promotion (${figures.recoveredAfterPromotionMs} ms)`)
  t.same(resaved.filter(Boolean), [], `the drafts kept through ${failedSaves.length} failed saves save once Redis is back`)
  t.equal(reuses, 0, 'the token lock never let a refresh token be redeemed twice')
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
    const owners = await Promise.all(sessionKeys.map((key) => cluster.primaryOf(key)))
    killed = primary.port
    await primary.kill()
    return owners.flatMap((owner, index) => (owner.port === killed ? [index] : []))
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
  await failover(t, redis, async () => {
    await sentinel.primary.kill()
    return undefined // every session was on it
  }, async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      if ((await sentinel.primaryPort().catch(() => sentinel.primary.port)) === sentinel.replica.port) return
      await sleep(100)
    }
    throw new Error('the Sentinels did not promote the replica within 60 s')
  })
})
