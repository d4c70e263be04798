import type { AuthenticationResult } from '@azure/msal-node'
import type { SumMetricData } from '@opentelemetry/sdk-metrics'
import type { FastifyRequest } from 'fastify'
import t, { type Test } from 'tap'
import { ClaimsChallengeError } from '../src/claims-challenge-error.ts'
import type { PendingAuthorization } from '../src/session-data.ts'
import { createStepUp } from '../src/step-up.ts'
import { globalMeterForTest } from '../../../test/helpers/metric-reader.ts'

// The step-up module on its own: what each step keeps in the session, what it answers, and that
// every outcome moves bff.step_ups with what asked for the step-up.

declare module 'fastify' {
  interface EntraBffDrafts {
    note: { text: string }
  }
}

type Session = FastifyRequest['session']

/** Counts bff.step_ups from here on, as "outcome/source" → count. */
function countStepUps(t: Test) {
  const reader = globalMeterForTest(t)
  return async (): Promise<Record<string, number>> => {
    const { resourceMetrics } = await reader.collect()
    const stepUps = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((metric) => metric.descriptor.name === 'bff.step_ups') as SumMetricData | undefined
    return Object.fromEntries((stepUps?.dataPoints ?? []).map((point) => [`${point.attributes.outcome}/${point.attributes.source}`, point.value]))
  }
}

const account = { homeAccountId: 'user-1.tenant', environment: 'login.test', tenantId: 'tenant', localAccountId: 'user-1', username: 'demo@contoso.test' }
const mfaClaims = '{"access_token":{"capolids":{"essential":true,"values":["mfa-policy"]}}}'
const caeClaims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'

function signedInSession(extra: Partial<Session> = {}) {
  const session = { user: { account, name: 'Demo User' }, destroyed: false, ...extra } as unknown as Session & { destroyed: boolean }
  session.destroy = (async () => { session.destroyed = true }) as Session['destroy']
  return session
}

function stepUpWithFakeTenant() {
  const asked: unknown[] = []
  const forgotten: string[] = []
  const pending: PendingAuthorization = { state: 's', nonce: 'n', codeVerifier: 'v', purpose: 'step-up', returnTo: '/profile?edit=1', scopes: ['api://service/.default'], claims: mfaClaims, expiresAt: Date.now() + 60_000 }
  const stepUp = createStepUp({
    defaultScopes: ['User.Read'],
    defaultReturnTo: '/',
    identity: {
      async authorizationUrl(options) {
        asked.push(options)
        return { url: 'https://tenant.test/authorize?state=s', pending: { ...pending, claims: options.claims } }
      },
      async forget(cacheKey) {
        forgotten.push(cacheKey)
      },
    },
  })
  return { stepUp, asked, forgotten, pending }
}

const redeemed = (homeAccountId: string, idTokenClaims: Record<string, unknown> = {}) =>
  ({ account: { ...account, homeAccountId }, idTokenClaims }) as unknown as AuthenticationResult

t.test('a challenge keeps its claims, its source, the scopes and the return address in the session, and is counted by source', async (t) => {
  const counted = countStepUps(t)
  const { stepUp } = stepUpWithFakeTenant()
  const session = signedInSession()
  stepUp.challenged(session, new ClaimsChallengeError(mfaClaims, 'token-endpoint-ca', ['api://service/EditProfileService.ReadWrite']), { returnTo: '/profile?edit=1' })
  t.equal(session.stepUpClaims, mfaClaims)
  t.equal(session.stepUpSource, 'token-endpoint-ca')
  t.same(session.stepUpScopes, ['api://service/EditProfileService.ReadWrite'], 'the refused token\'s scopes')
  t.equal(session.stepUpReturnTo, '/profile?edit=1')
  stepUp.challenged(session, ClaimsChallengeError.fromResource('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'), { scopes: ['api://other/.default'] })
  t.equal(session.stepUpSource, 'api-claims-challenge')
  t.same(session.stepUpScopes, ['api://other/.default'], 'the route names the scopes of a resource\'s challenge')
  t.equal(session.stepUpReturnTo, '/', 'without a return address: the plugin\'s afterStepUp')
  stepUp.challenged(session, ClaimsChallengeError.fromResource('{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'), { returnTo: '/notes', keep: { note: { text: 'Typed' } } })
  t.same(session.stepUpScopes, ['User.Read'], 'no scopes named anywhere: the sign-in scopes')
  t.same(session.drafts, { note: { text: 'Typed' } }, 'what the route keeps waits as a draft')
  t.equal(session.draftReturnTo, '/notes', 'shown again where the step-up returns')
  t.same(await counted(), { 'challenged/token-endpoint-ca': 1, 'challenged/api-claims-challenge': 2 })
})

t.test('a resource\'s challenge asking for a token newer than a revocation is CAE, which needs no user', async (t) => {
  t.equal(ClaimsChallengeError.fromResource(caeClaims).source, 'cae')
  t.notOk(ClaimsChallengeError.fromResource(caeClaims).needsUser)
  t.ok(ClaimsChallengeError.fromResource(mfaClaims).needsUser)
  t.ok(new ClaimsChallengeError(mfaClaims, 'token-endpoint-ca').needsUser)
})

t.test('begin asks the tenant with the stored claims, the service scope and the user as login hint, and keeps the pending authorization with its source', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, asked } = stepUpWithFakeTenant()
  const session = signedInSession({ stepUpClaims: mfaClaims, stepUpSource: 'api-claims-challenge', stepUpScopes: ['api://service/EditProfileService.ReadWrite'], stepUpReturnTo: '/profile?edit=1' })
  t.equal(await stepUp.begin(session, 'de'), 'https://tenant.test/authorize?state=s')
  t.same(asked, [{ purpose: 'step-up', returnTo: '/profile?edit=1', scopes: ['api://service/EditProfileService.ReadWrite'], claims: mfaClaims, loginHint: 'demo@contoso.test', uiLocales: 'de' }])
  t.equal(session.pendingAuthorization?.stepUpSource, 'api-claims-challenge')
  t.equal(session.pendingAuthorization?.claims, mfaClaims)
  t.same(await counted(), { 'started/api-claims-challenge': 1 })
})

t.test('a step-up begun with no challenge recorded is counted with an unknown source', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, asked } = stepUpWithFakeTenant()
  await stepUp.begin(signedInSession())
  t.equal((asked[0] as { claims?: string }).claims, undefined, 'no claims from anywhere but the session')
  t.same(await counted(), { 'started/unknown': 1 })
})

t.test('a step-up cancelled at the tenant is counted', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, pending } = stepUpWithFakeTenant()
  stepUp.cancelled({ ...pending, stepUpSource: 'token-endpoint-ca' })
  t.same(await counted(), { 'cancelled/token-endpoint-ca': 1 })
})

t.test('a redemption answered with a new challenge is refused and keeps the new claims; any other failure is failed', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, pending } = stepUpWithFakeTenant()
  const session = signedInSession({ stepUpClaims: mfaClaims })
  const fromService = { ...pending, stepUpSource: 'api-claims-challenge' as const }
  const newer = '{"access_token":{"capolids":{"essential":true,"values":["fresh-mfa"]}}}'
  t.same(stepUp.notRedeemed(session, fromService, new ClaimsChallengeError(newer, 'token-endpoint-ca')), { status: 403, reason: 'still-needs-second-factor' })
  t.equal(session.stepUpClaims, newer)
  t.same(stepUp.notRedeemed(session, fromService, new Error('invalid_grant')), { status: 400, reason: 'not-completed' })
  t.equal(session.stepUpClaims, newer, 'a plain failure leaves the claims')
  t.same(await counted(), { 'refused/api-claims-challenge': 1, 'failed/api-claims-challenge': 1 })
})

t.test('a step-up completed by another account is refused and ends the session with the tokens it brought', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, pending, forgotten } = stepUpWithFakeTenant()
  const session = signedInSession()
  const refusal = await stepUp.verify(session, { ...pending, stepUpSource: 'token-endpoint-ca' }, redeemed('someone-else.tenant', { amr: ['pwd', 'mfa'] }), 'cache-1')
  t.same(refusal, { status: 403, reason: 'different-account' })
  t.same(forgotten, ['cache-1'])
  t.ok(session.destroyed)
  t.same(await counted(), { 'refused/token-endpoint-ca': 1 })
})

t.test('a step-up without evidence of MFA is refused: no challenge was asked, or the ID token lists amr without mfa', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, pending } = stepUpWithFakeTenant()
  const source = { stepUpSource: 'token-endpoint-ca' as const }
  t.same(await stepUp.verify(signedInSession(), { ...pending, ...source, claims: undefined }, redeemed(account.homeAccountId), 'cache-1'), { status: 403, reason: 'no-second-factor' })
  t.same(await stepUp.verify(signedInSession(), { ...pending, ...source }, redeemed(account.homeAccountId, { amr: ['pwd'] }), 'cache-1'), { status: 403, reason: 'no-second-factor' })
  t.same(await counted(), { 'refused/token-endpoint-ca': 2 })
})

t.test('the same account with the challenge answered is accepted, with or without amr, and counted when completed', async (t) => {
  const counted = countStepUps(t)
  const { stepUp, pending, forgotten } = stepUpWithFakeTenant()
  const session = signedInSession()
  const fromCa = { ...pending, stepUpSource: 'token-endpoint-ca' as const }
  t.equal(await stepUp.verify(session, fromCa, redeemed(account.homeAccountId), 'cache-1'), undefined, 'v2.0 ID token without amr')
  t.equal(await stepUp.verify(session, fromCa, redeemed(account.homeAccountId, { amr: ['pwd', 'mfa'] }), 'cache-1'), undefined, 'amr naming mfa')
  t.same(await counted(), {}, 'verifying alone counts nothing')
  stepUp.completed(fromCa)
  t.notOk(session.destroyed)
  t.same(forgotten, [])
  t.same(await counted(), { 'completed/token-endpoint-ca': 1 })
})

t.test('a CAE challenge renewed silently is counted as challenged and completed under cae; a refused renewal as failed, and its error goes on', async (t) => {
  const counted = countStepUps(t)
  const { stepUp } = stepUpWithFakeTenant()
  t.equal(await stepUp.renewAfterCae(async () => 'newer token'), 'newer token')
  const signInAgain = new Error('the tenant asks the user to sign in again')
  await t.rejects(stepUp.renewAfterCae(async () => { throw signInAgain }), signInAgain)
  t.same(await counted(), { 'challenged/cae': 2, 'completed/cae': 1, 'failed/cae': 1 })
})
