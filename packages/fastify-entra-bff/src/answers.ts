import type { FastifyReply, FastifyRequest } from 'fastify'
import type { EntraBffHooks, SignInFailure } from './types.ts'

// The plugin's default answers, for an app that gives no hooks: short English pages and htmx
// fragments without markup of any app's. An app renders its own through `hooks` (types.ts).

const sentences: Record<SignInFailure, string> = {
  expired: 'The sign-in took too long or was already used. Please try again.',
  'tenant-reported': 'The sign-in service reported a problem.',
  'no-code': 'The sign-in service came back without a result. Please try again.',
  'not-completed': 'The sign-in could not be completed. Please try again.',
  'still-needs-second-factor': 'The sign-in service still asks for a second factor. Please verify again.',
  'different-account': 'You verified as a different account, so you were signed out. Please sign in again.',
  'no-second-factor': 'The sign-in came back without a second factor. Please verify again.',
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(reply: FastifyReply, title: string, body: string) {
  return reply.type('text/html; charset=utf-8').send(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  )
}

export const defaultHooks: Required<Omit<EntraBffHooks, 'uiLocales' | 'stepUpEnded' | 'clientRequestId'>> = {
  signInFailed(request: FastifyRequest, reply: FastifyReply, { reason }: { reason: SignInFailure }) {
    return page(reply, 'Sign-in failed', `<p>${escapeHtml(sentences[reason])}</p><p>Support id: ${escapeHtml(request.id)}</p><p><a href="/">Home</a></p>`)
  },
  stepUpFragment(_request: FastifyRequest, reply: FastifyReply, { stepUpUrl }: { stepUpUrl: string }) {
    return reply.type('text/html; charset=utf-8').send(`<div role="alert"><p>This needs a second verification.</p><p><a href="${escapeHtml(stepUpUrl)}">Verify</a></p></div>`)
  },
  signInAgainFragment(_request: FastifyRequest, reply: FastifyReply, { signInUrl }: { signInUrl: string }) {
    return reply.type('text/html; charset=utf-8').send(`<div role="alert"><p>Your session ended. Your changes are kept.</p><p><a href="${escapeHtml(signInUrl)}">Sign in</a></p></div>`)
  },
}
