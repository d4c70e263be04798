import t from 'tap'
import { request } from 'undici'
import { BffBrowser, signInButton, startTestBff } from '../../helpers/bff.ts'
import { cookieHeader } from '../../../harness/cookie-jar.ts'
import { parseHtml, text } from '../../../harness/html.ts'
import type { TenantCookieJar } from '../../../harness/tenant-pages.ts'
import { startTestTenant } from '../../helpers/local-tenant.ts'
import { startTestProfileService } from '../../helpers/profile-service.ts'
import { twoReplicasOnTestRedis } from '../../helpers/replicas.ts'

// Sign-out means out, on every replica (issue 23, item 4). A thief holding a copy of the victim's
// stepped-up session cookie hammers replica B with profile saves (each changes the session's
// profile snapshot, so the session is saved at the end of the request) and profile pages, both
// served from B's hot tokens, while the victim ends every session on replica A. Before the
// tombstones, a save in flight on B wrote the session back after A destroyed it, and the index no
// longer listed it for the next "sign out everywhere". Real tenant, msal, HTTP and Redis; the
// rounds are bounded in requests, never in wall-clock time.

const rounds = Number(process.env.ROUNDS ?? 20)
const workers = 4
/** Requests per worker and round at most: the round ends well before, once the sign-out is past. */
const maxRequestsPerWorker = 40
/** Requests each worker sends after the sign-out answered, before the round is checked. */
const requestsAfterSignOut = 3

/** The session id inside a signed session cookie value (`<id>.<signature>`, URL-encoded). */
function sessionIdOf(cookies: Map<string, string>): string {
  const value = decodeURIComponent(cookies.get('session') ?? '')
  return value.slice(0, value.lastIndexOf('.'))
}

/** The stolen cookie sent as is, request after request (a thief keeps what it stole). */
async function asThief(base: string, stolen: string, csrf: string, i: number) {
  const save = i % 2 === 0
  const response = await request(`${base}/profile`, {
    method: save ? 'PATCH' : 'GET',
    headers: {
      cookie: stolen, 'x-csrf-token': csrf,
      ...(save ? { 'hx-request': 'true', 'hx-request-type': 'partial' } : {}),
      ...(save ? { 'content-type': 'application/x-www-form-urlencoded', 'hx-source': 'form#profile-editor' } : {}),
    },
    body: save ? new URLSearchParams({ displayName: `Thief ${i}`, givenName: '', surname: '' }).toString() : undefined,
  })
  const body = await response.body.text()
  if (process.env.DEBUG_THIEF) console.error(save ? 'PATCH' : 'GET', response.statusCode, response.headers['hx-redirect'] ?? '', body.slice(0, 80).replace(/\s+/g, ' '))
  return response.statusCode
}

/**
 * Hammers `base` with the stolen cookie from `workers` concurrent loops while `endSessions` runs;
 * each loop stops after `after` requests that started once the sign-out answered.
 */
async function hammerWhile(base: string, stolen: string, csrf: string, endSessions: () => Promise<void>, after = requestsAfterSignOut) {
  let sent = 0
  let signedOut = false
  let started!: () => void
  const running = new Promise<void>((resolve) => (started = resolve))
  const loop = async () => {
    let late = 0
    for (let i = 0; i < maxRequestsPerWorker && !(signedOut && late >= after); i++) {
      const startedLate = signedOut
      await asThief(base, stolen, csrf, i)
      if (startedLate) late += 1
      sent += 1
      if (sent >= workers) started()
    }
    started()
  }
  const loops = Array.from({ length: workers }, loop)
  await running // the thief is mid-stream before the victim acts
  await endSessions()
  signedOut = true
  await Promise.all(loops)
  return sent
}

/** What the stolen cookie gets on a replica after the sign-out: signed out, not the victim's page. */
async function survivesOn(base: string, stolen: string): Promise<string | undefined> {
  const home = await request(`${base}/`, { headers: { cookie: stolen } })
  const html = await home.body.text()
  if (text(html, signInButton) !== 'Sign In' || text(html, 'main h1') === 'Hi Demo User') return `${base}: home still greets the user`
  const page = await request(`${base}/profile`, { headers: { cookie: stolen } })
  await page.body.text()
  if (page.statusCode !== 302 || !String(page.headers.location).startsWith('/auth/sign-in')) return `${base}: /profile answered ${page.statusCode}`
  return undefined
}

/** Signs the victim in and steps up on `base` (the tenant session of earlier rounds is reused), with a CSRF token in hand. */
async function victimOn(base: string, tenant: Awaited<ReturnType<typeof startTestTenant>>, tenantJar: TenantCookieJar) {
  const victim = new BffBrowser(base, tenant)
  victim.tenantJar = tenantJar
  await victim.signIn()
  await victim.get('/profile/editor', { htmx: true })
  const landing = await victim.authorize('/auth/step-up')
  const editor = await victim.get(landing.location ?? '/profile?edit=1')
  if (editor.status !== 200 || !victim.lastCsrf) throw new Error(`the victim's editor answered ${editor.status}`)
  return victim
}

/** The tenant session id of the victim's sign-in, from the claims page. */
async function sidOf(victim: BffBrowser): Promise<string> {
  const $ = parseHtml((await victim.get('/claims')).body)
  const row = $('table.claims tbody tr').filter((_, tr) => $(tr).find('th').text().trim() === 'sid')
  return row.find('td').text().trim()
}

// Fifty sign-ins with step-up and hammering in all: about a minute on a quiet machine, several
// on one whose cores are busy with other work; the file's time limit allows for that.
t.setTimeout(600_000)

t.test(`"Sign out of every device" on A ends a stolen session hammering B: 0 survivors in ${rounds} rounds`, async (t) => {
  const stack = await twoReplicasOnTestRedis(t)
  if (!stack) return
  const { redis, tenant, a, b } = stack
  const tenantJar: TenantCookieJar = new Map()
  const survivors: string[] = []
  let thiefRequests = 0
  for (let round = 0; round < rounds; round++) {
    const victim = await victimOn(a.url, tenant, tenantJar)
    const stolen = cookieHeader(victim.cookies)
    const sessionKey = `${redis.prefix}session:${sessionIdOf(victim.cookies)}`
    thiefRequests += await hammerWhile(b.url, stolen, victim.lastCsrf!, async () => {
      const out = await victim.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: victim.lastCsrf! } })
      if (out.status !== 303) throw new Error(`sign out everywhere answered ${out.status}`)
    })
    const problem = (await redis.client.exists(sessionKey)) ? 'the session is back in Redis' : (await survivesOn(b.url, stolen)) ?? (await survivesOn(a.url, stolen))
    // One more burst on B: whatever was in flight has answered, and nothing brings it back.
    await Promise.all(Array.from({ length: workers }, (_, i) => asThief(b.url, stolen, victim.lastCsrf!, i)))
    const later = (await redis.client.exists(sessionKey)) ? 'the session came back in Redis later' : undefined
    if (problem ?? later) survivors.push(`round ${round + 1}: ${problem ?? later}`)
  }
  t.same(survivors, [], `no stolen session survived (${thiefRequests} thief requests)`)
})

t.test(`front-channel logout on A ends a stolen session hammering B: 0 survivors in ${rounds} rounds`, async (t) => {
  const stack = await twoReplicasOnTestRedis(t)
  if (!stack) return
  const { redis, tenant, a, b } = stack
  const tenantJar: TenantCookieJar = new Map()
  const survivors: string[] = []
  for (let round = 0; round < rounds; round++) {
    const victim = await victimOn(a.url, tenant, tenantJar)
    const sid = await sidOf(victim)
    const stolen = cookieHeader(victim.cookies)
    const sessionKey = `${redis.prefix}session:${sessionIdOf(victim.cookies)}`
    await hammerWhile(b.url, stolen, victim.lastCsrf!, async () => {
      // The tenant's logout page frames this cross-site: no cookie comes with it.
      const framed = await request(`${a.url}/auth/front-channel-logout?sid=${encodeURIComponent(sid)}`)
      await framed.body.text()
      if (framed.statusCode !== 200) throw new Error(`front-channel logout answered ${framed.statusCode}`)
    })
    const problem = (await redis.client.exists(sessionKey)) ? 'the session is back in Redis' : (await survivesOn(b.url, stolen)) ?? (await survivesOn(a.url, stolen))
    await Promise.all(Array.from({ length: workers }, (_, i) => asThief(b.url, stolen, victim.lastCsrf!, i)))
    const later = (await redis.client.exists(sessionKey)) ? 'the session came back in Redis later' : undefined
    if (problem ?? later) survivors.push(`round ${round + 1}: ${problem ?? later}`)
  }
  t.same(survivors, [], 'no stolen session survived')
})

t.test('HEAD /auth/front-channel-logout answers 405 and ends no session', async (t) => {
  const stack = await twoReplicasOnTestRedis(t)
  if (!stack) return
  const { redis, tenant, a, b } = stack
  const victim = await victimOn(a.url, tenant, new Map())
  const sid = await sidOf(victim)
  t.match(sid, /^[0-9a-f-]{36}$/, 'the ID token carries sid')
  const head = await request(`${a.url}/auth/front-channel-logout?sid=${encodeURIComponent(sid)}`, { method: 'HEAD' })
  await head.body.text()
  t.equal(head.statusCode, 405)
  t.equal(head.headers.allow, 'GET')
  t.equal(await redis.client.exists(`${redis.prefix}session:${sessionIdOf(victim.cookies)}`), 1, 'the session is still in Redis')
  t.equal(text((await victim.get('/')).body, 'main h1'), 'Hi Demo User', 'still signed in on A')
  const onB = new BffBrowser(b.url, tenant)
  onB.cookies = victim.cookies
  t.equal(text((await onB.get('/')).body, 'main h1'), 'Hi Demo User', 'and on B')
})

t.test('one replica without Redis: a stolen session hammering it does not survive "Sign out of every device" (10 rounds)', async (t) => {
  const tenant = await startTestTenant(t)
  const service = await startTestProfileService(t, tenant)
  const bff = await startTestBff(t, tenant, service.url)
  const tenantJar: TenantCookieJar = new Map()
  const survivors: string[] = []
  for (let round = 0; round < 10; round++) {
    const victim = await victimOn(bff.url, tenant, tenantJar)
    const stolen = cookieHeader(victim.cookies)
    // In one process the sign-out also drops the process's hot tokens, so a later thief request
    // would sign a written-back session out again itself: only the requests in flight finish.
    await hammerWhile(bff.url, stolen, victim.lastCsrf!, async () => {
      const out = await victim.send('POST', '/auth/sign-out-everywhere', { form: { _csrf: victim.lastCsrf! } })
      if (out.status !== 303) throw new Error(`sign out everywhere answered ${out.status}`)
    }, 0)
    const problem = await survivesOn(bff.url, stolen)
    if (problem) survivors.push(`round ${round + 1}: ${problem}`)
  }
  t.same(survivors, [], 'no stolen session survived')
})
