import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Identity } from './identity.ts'
import type { ResolvedOptions } from './options.ts'
import type { SessionEnding } from './session-ending.ts'
import type { StepUp } from './step-up.ts'
import type { SessionIndex } from './stores/session-index.ts'
import type { TenantMetadataLoader } from './tenant-metadata.ts'
import type { SignInFailure } from './types.ts'

// What the plugin's routes and decorators share, made once at register (plugin.ts).

export interface EntraBffContext {
  options: ResolvedOptions
  identity: Identity
  stepUp: StepUp
  metadata: TenantMetadataLoader
  sessionIndex: SessionIndex
  ending: SessionEnding
  /** The plugin's own paths, under `routePrefix`. */
  paths: { signIn: string; signUp: string; stepUp: string; signOut: string; signOutEverywhere: string; frontChannelLogout: string }
  /** The app's sign-in failure page, or the plugin's plain one. */
  signInFailed(request: FastifyRequest, reply: FastifyReply, status: number, reason: SignInFailure, detail?: string): unknown
  /** The id sent to the tenant with token calls. */
  clientRequestId(request: FastifyRequest): string
  /** Session keys a new session id takes along (drafts and the app's). */
  kept: string[]
}
