import type { EntraBffHooks, SignInFailure } from 'fastify-entra-bff'
import type { MessageId } from './i18n/messages-en.ts'
import { renderFragment, renderPage, textsFor } from './plugins/views.ts'

// How the app answers for fastify-entra-bff (its hooks): the sign-in failure page, the step-up
// and sign-in-again fragments, in the user's language and the app's markup; the notices a
// step-up leaves on the profile; the language the tenant's pages speak.

const failureMessages: Record<SignInFailure, MessageId> = {
  expired: 'signIn.expired',
  'tenant-reported': 'signIn.tenantReported',
  'no-code': 'signIn.noCode',
  'not-completed': 'signIn.notCompleted',
  'still-needs-second-factor': 'signIn.stillNeedsSecondFactor',
  'different-account': 'signIn.differentAccount',
  'no-second-factor': 'signIn.noSecondFactor',
}

/** The app's session keys a new session id takes along (besides the plugin's drafts). */
export const keptSessionKeys = ['language']

export const entraBffHooks: EntraBffHooks = {
  uiLocales: (request) => textsFor(request).language,

  signInFailed(request, reply, { reason, detail }) {
    const { t } = textsFor(request)
    return renderPage(request, reply, 'error', { title: t('signIn.failed'), message: t(failureMessages[reason], detail === undefined ? undefined : { detail }), supportId: request.id, retry: true })
  },

  stepUpFragment(_request, reply) {
    return renderFragment(reply, 'step-up', { csrfToken: reply.generateCsrf() })
  },

  signInAgainFragment(_request, reply, { returnTo }) {
    return renderFragment(reply, 'sign-in-again', { returnTo: encodeURIComponent(returnTo) })
  },

  stepUpEnded(request, { outcome }) {
    // Cancelled: the profile says so, the draft waits for the next Edit. Verified: the editor opens with it.
    if (outcome === 'cancelled') {
      request.session.notice = 'notice.stepUpCancelled'
      return '/profile'
    }
    request.session.notice = 'notice.verified'
    return undefined
  },
}
