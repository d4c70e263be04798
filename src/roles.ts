import type { Env } from './config/env-schema.ts'

export const roleNames = ['local-tenant', 'profile-service', 'bff'] as const
export type Role = (typeof roleNames)[number]

/** No role named: everything the profile can run (with `entra` there is no local tenant). */
export function chooseRoles(args: string[], profile: Env['PROFILE']): Role[] {
  if (args.length === 0) return profile === 'local' ? [...roleNames] : ['profile-service', 'bff']
  for (const arg of args) {
    if (!(roleNames as readonly string[]).includes(arg)) {
      throw new Error(`Unknown role "${arg}": choose from ${roleNames.join(', ')}`)
    }
  }
  if (profile === 'entra' && args.includes('local-tenant')) {
    throw new Error('The local tenant runs only with PROFILE=local')
  }
  return roleNames.filter((role) => args.includes(role))
}
