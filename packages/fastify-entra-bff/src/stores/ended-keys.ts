import type { RedisClient } from './redis-client.ts'

// Tombstones: a key that has ended cannot be written again. A request of a session that was in
// flight on another replica when the session ended (sign out, sign out of every device,
// front-channel logout) saves its copy at its end; without a tombstone that save brings the
// session back. Each write checks the key's tombstone and each end sets it, both in one Lua
// script, so no write can slip between the check and the set.

// KEYS[1] the value, KEYS[2] its tombstone; ARGV[1] the value, ARGV[2] its time to live (ms).
const writeUnlessEndedScript = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`

// KEYS[1] the value, KEYS[2] its tombstone; ARGV[1] the tombstone's shortest life, ARGV[2] its
// longest (ms). The tombstone lives as long as the value would have (its remaining TTL), within
// those bounds: never shorter than any request that may still be in flight.
const endScript = `
local ttl = redis.call('PTTL', KEYS[1])
local shortest = tonumber(ARGV[1])
local longest = tonumber(ARGV[2])
if ttl < shortest then ttl = shortest end
if ttl > longest then ttl = longest end
redis.call('SET', KEYS[2], '1', 'PX', ttl)
return redis.call('DEL', KEYS[1])`

export interface EndedKeysOptions {
  /** A tombstone outlives any request that could still write the key (default 5 minutes). */
  shortestMs?: number
  /** And never lives longer than this (default: as long as the value had left, unbounded). */
  longestMs?: number
}

/** Writes and ends keys so that an ended key stays ended; `tombstoneOf(key)` names each key's tombstone. */
export function endedKeys(client: RedisClient, tombstoneOf: (key: string) => string, options: EndedKeysOptions = {}) {
  const shortest = String(options.shortestMs ?? 5 * 60_000)
  const longest = String(options.longestMs ?? Number.MAX_SAFE_INTEGER)
  return {
    /** Writes the value unless the key has ended; answers whether it was written. */
    async write(key: string, value: string, ttlMs: number): Promise<boolean> {
      const written = await client.eval(writeUnlessEndedScript, { keys: [key, tombstoneOf(key)], arguments: [value, String(Math.max(1, Math.ceil(ttlMs)))] })
      return written === 1
    },
    /** Deletes the value and leaves its tombstone; answers whether a value was there. */
    async end(key: string): Promise<boolean> {
      const deleted = await client.eval(endScript, { keys: [key, tombstoneOf(key)], arguments: [shortest, longest] })
      return deleted === 1
    },
  }
}
