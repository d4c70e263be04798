import type { TokenCredential } from '@azure/identity'

// Which Redis the stores use and how to reach it, and the session settings the Redis stores take:
// exported from 'fastify-entra-bff/redis' only, so an app without Redis needs none of its types.

/** Where the BFF's Redis is: one node, a Cluster (seed nodes) or a primary that Sentinels watch. */
export type RedisTopology =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; urls: string[] }
  | { kind: 'sentinel'; urls: string[]; masterName: string }

/** Microsoft Entra tokens as Redis credentials (Azure Managed Redis): one of these identities. */
export interface RedisEntraAuth {
  /** A user-assigned managed identity (alone), or the service principal (with tenantId and clientSecret). */
  clientId?: string
  tenantId?: string
  clientSecret?: string
  /** Workload identity: the projected service account token (AZURE_FEDERATED_TOKEN_FILE). */
  federatedTokenFile?: string
  /** Token scope, default https://redis.azure.com/.default. */
  scope?: string
  /** Where tokens come from instead of @azure/identity (tests: msal against the local tenant). */
  tokenCredential?: TokenCredential
}

export interface RedisConnectionConfig {
  topology: RedisTopology
  /** TLS beyond what rediss:// turns on: a private CA, and a client certificate for mTLS (file paths, PEM). */
  tls?: { caFile?: string; certFile?: string; keyFile?: string }
  username?: string
  password?: string
  entra?: RedisEntraAuth
}

export interface BffSessionConfig {
  /** Secrets for signing the session cookie; the first signs, all verify (rotation). */
  secrets: string[]
  /** true: Secure cookie with the __Host- prefix. false only for http://localhost development. */
  secureCookie: boolean
  idleTimeoutMs: number
  absoluteTimeoutMs: number
  /** The clock sessions are stamped and checked with (default Date.now): tests move it instead of sleeping. */
  now?: () => number
  /** With a Redis URL the session store and token caches live in Redis (one node; `redis` for the rest). */
  redisUrl?: string
  /** Which Redis and how to reach it (Cluster, Sentinel, TLS, credentials); takes precedence over `redisUrl`. */
  redis?: RedisConnectionConfig
  /** Prefix of every Redis key (default `bff:`), so several apps can share one Redis. */
  redisKeyPrefix?: string
  /** base64 AES-256 keys for the token cache at rest; the first encrypts, all decrypt. */
  tokenCacheKeys: string[]
}
