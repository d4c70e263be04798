import { metrics, type Counter, type MeterProvider, type ObservableCallback, type ObservableGauge } from '@opentelemetry/api'
import type { FailureClass } from './failures.ts'
import type { LiveSessions } from './stores/live-sessions.ts'

// The BFF's own metrics, one call per event in the routes. Through the OpenTelemetry API: a no-op
// until telemetry starts (OTLP or METRICS_PORT), then exported with the process's other metrics.

export type StepUpOutcome = 'challenged' | 'started' | 'completed' | 'cancelled' | 'refused' | 'failed'
/**
 * What asked: the tenant's token endpoint (Conditional Access), the service's 401 claims challenge
 * (an authentication context), or CAE (a resource refused a token older than a revocation; the BFF
 * renews it silently, so a CAE "step-up" completes without the user or ends in a new sign-in).
 */
export type StepUpSource = 'token-endpoint-ca' | 'api-claims-challenge' | 'cae'
export type TokenResult = 'cache_hit' | 'refresh' | 'interaction_required' | 'error'

interface Instruments { stepUps: Counter; tokens: Counter; upstreamErrors: Counter; activeSessions: ObservableGauge }

let provider: MeterProvider | undefined
let instruments: Instruments | undefined

/** The API hands out no-op meters until a provider is set: instruments follow the current provider. */
function current(): Instruments {
  const now = metrics.getMeterProvider()
  if (now !== provider || !instruments) {
    provider = now
    const meter = now.getMeter('bff')
    instruments = {
      stepUps: meter.createCounter('bff.step_ups', { description: 'MFA step-ups by outcome and by what asked for them.' }),
      tokens: meter.createCounter('bff.token_acquisitions', { description: 'Silent token acquisitions by result.' }),
      upstreamErrors: meter.createCounter('bff.upstream_errors', { description: 'Dependency failures answered to users, by upstream and failure.' }),
      activeSessions: meter.createObservableGauge('bff.sessions.active', {
        unit: '{session}',
        description: 'Unexpired sessions in the session store, signed in or not (a session is stored once it holds something, '
          + 'such as a sign-in in progress). session.store=memory: this process\'s own (sum them over replicas); '
          + 'session.store=redis: the store all replicas share, so every replica reports the same number (take one, do not sum).',
      }),
    }
  }
  return instruments
}

const upstreamOf = (failure: FailureClass) => failure.startsWith('store-') ? 'store' : failure.split('-')[0]

export const bffMetrics = {
  stepUp(outcome: StepUpOutcome, source: StepUpSource | undefined) {
    current().stepUps.add(1, { outcome, source: source ?? 'unknown' })
  },
  tokenAcquired(result: TokenResult) {
    current().tokens.add(1, { result })
  },
  upstreamFailed(failure: FailureClass) {
    current().upstreamErrors.add(1, { upstream: upstreamOf(failure), failure })
  },
}

/**
 * Reports `sessions.count()` at each collection, until the returned function is called (the app's
 * onClose). A store that cannot say in time gives no observation for that collection.
 */
export function observeActiveSessions(sessions: LiveSessions): () => void {
  const gauge = current().activeSessions
  const observe: ObservableCallback = async (result) => {
    const count = await sessions.count()
    if (count !== undefined) result.observe(count, { 'session.store': sessions.store })
  }
  gauge.addCallback(observe)
  return () => gauge.removeCallback(observe)
}
