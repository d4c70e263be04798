import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { ClaimsChallengeError } from './claims-challenge-error.ts'
import { navigate } from './htmx.ts'
import type { StepUpRequest } from './step-up.ts'

// A route's `config.auth`: 'required' sends a signed-out user to sign in and back; `{ scopes }`
// also gets a token for them before the handler runs, and asks for a step-up when the tenant
// wants more (reply.stepUp).

/** A route's `config.auth`: signed in, or also holding a token for `scopes` (a challenge steps up first). */
export type RouteAuth = 'required' | ({ scopes: string[] } & Omit<StepUpRequest, 'scopes'>)

export interface RouteAuthDeps {
  signInUrl(returnTo: string): string
  accessToken(request: FastifyRequest, scopes: string[]): Promise<string>
}

export function requireAuthOnRoutes(app: FastifyInstance, { signInUrl, accessToken }: RouteAuthDeps) {
  app.addHook('onRoute', (route: RouteOptions) => {
    const auth = route.config?.auth
    if (!auth) return
    const required = async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.session.user) return navigate(request, reply, signInUrl(request.url))
      if (auth === 'required') return
      try {
        await accessToken(request, auth.scopes)
      } catch (error) {
        if (error instanceof ClaimsChallengeError) return reply.stepUp(error, { scopes: auth.scopes, returnTo: auth.returnTo })
        throw error
      }
    }
    const existing = route.preHandler
    route.preHandler = [required, ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing])]
  })
}
