import { editableFields, type Profile } from '../lib/profile.ts'
import type { ProfileChanges } from '../lib/profile-rules.ts'
import type { FieldConflict } from './service-error.ts'

// Concurrent edits, field by field: a change conflicts when Graph no longer holds the value the
// caller's editor opened with, unless Graph already holds what the caller asks for. Fields the
// caller does not change never conflict, so two devices editing different fields both land.

/** Graph has no value and an empty one alike. */
const same = (a: string | null | undefined, b: string | null | undefined) => (a || null) === (b || null)

export function conflictsOf(current: Profile, changes: ProfileChanges, expected: ProfileChanges): Record<string, FieldConflict> | undefined {
  const conflicts: Record<string, FieldConflict> = {}
  for (const name of editableFields) {
    const requested = changes[name]
    if (requested === undefined || !(name in expected)) continue
    const before = expected[name] ?? null
    if (same(current[name], before) || same(current[name], requested)) continue
    conflicts[name] = { expected: before, current: current[name], requested }
  }
  return Object.keys(conflicts).length > 0 ? conflicts : undefined
}
