import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { writableUserPropertyNames, type WritableUserProperty } from './graph-user.ts'
import type { SeedUser } from './tenant-file.ts'

// The tenant's users, persisted in the data dir: sign-ups and profile edits survive a restart.

/** A user's sign-in data and their Graph properties (null: not set; a display name always is). */
export type DirectoryUser = { id: string; email: string; passwordHash: string } & Record<WritableUserProperty, string | null> & { displayName: string }

/** A new user's Graph properties: none set but the display name. */
function propertiesOf(displayName: string, given: Partial<Record<WritableUserProperty, string>> = {}) {
  return { ...Object.fromEntries(writableUserPropertyNames.map((name) => [name, given[name] ?? null])), displayName } as Record<WritableUserProperty, string | null> & { displayName: string }
}

function hashPassword(password: string): string {
  const salt = randomBytes(16)
  return `scrypt:${salt.toString('base64')}:${scryptSync(password, salt, 32).toString('base64')}`
}

function passwordMatches(hash: string, password: string): boolean {
  const [, salt, expected] = hash.split(':')
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), 32)
  return timingSafeEqual(actual, Buffer.from(expected, 'base64'))
}

export class Directory {
  #file: string
  #users: Map<string, DirectoryUser>

  constructor(dataDir: string, seed: SeedUser[]) {
    this.#file = join(dataDir, 'users.json')
    this.#users = new Map()
    if (existsSync(this.#file)) {
      for (const user of JSON.parse(readFileSync(this.#file, 'utf8')) as DirectoryUser[]) this.#users.set(user.id, user)
    } else {
      this.reseed(seed)
    }
  }

  reseed(seed: SeedUser[]): void {
    this.#users.clear()
    for (const user of seed) {
      this.#users.set(user.id, {
        id: user.id, email: user.email.toLowerCase(), passwordHash: hashPassword(user.password),
        ...propertiesOf(user.displayName, { givenName: user.givenName, surname: user.surname }),
      })
    }
    this.#save()
  }

  #save(): void {
    writeFileSync(this.#file, JSON.stringify([...this.#users.values()], null, 2), { mode: 0o600 })
  }

  byId(id: string): DirectoryUser | undefined {
    return this.#users.get(id)
  }

  byEmail(email: string): DirectoryUser | undefined {
    const wanted = email.trim().toLowerCase()
    for (const user of this.#users.values()) if (user.email === wanted) return user
    return undefined
  }

  verifyPassword(user: DirectoryUser, password: string): boolean {
    return passwordMatches(user.passwordHash, password)
  }

  create(input: { email: string; password: string; displayName: string }): DirectoryUser {
    const user: DirectoryUser = {
      id: randomUUID(), email: input.email.trim().toLowerCase(), passwordHash: hashPassword(input.password),
      ...propertiesOf(input.displayName),
    }
    this.#users.set(user.id, user)
    this.#save()
    return user
  }

  /** An admin's password reset: the old password stops working. */
  setPassword(id: string, password: string): void {
    const user = this.#users.get(id)
    if (!user) throw new Error(`no user ${id}`)
    user.passwordHash = hashPassword(password)
    this.#save()
  }

  update(id: string, changes: Partial<Record<WritableUserProperty, string | null>>): DirectoryUser {
    const user = this.#users.get(id)
    if (!user) throw new Error(`no user ${id}`)
    Object.assign(user, changes)
    this.#save()
    return user
  }
}

