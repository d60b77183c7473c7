import { hash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { UNKNOWN_LIFETIME_REUSE_MS } from './tokenLifetime'

/** Tokens whose connection this process remembers at most (one per token obtained). */
const MAX_ORIGINS = 1000

/**
 * digest of a token → the connection (TokenClient.connection) it was obtained for, while the
 * token may be in use. Only digests are kept, never a token. A token this process did not obtain
 * (from another replica, before a restart, or from elsewhere) has no origin here.
 */
const origins = new LRUCache<string, string>({ max: MAX_ORIGINS })

/** One call, no Hash object (crypto.hash: about 0.5 µs, where createHash…digest takes 1.3). */
const digest = (accessToken: string): string => hash('sha256', accessToken, 'hex')

/** Remembers that `accessToken` was obtained for `connection`, until it expires. */
export const recordTokenOrigin = (
  accessToken: string,
  connection: string,
  expiresAtMs: number | undefined,
  now = Date.now(),
): void => {
  const ttl = Math.max(1, (expiresAtMs ?? now + UNKNOWN_LIFETIME_REUSE_MS) - now)
  origins.set(digest(accessToken), connection, { ttl })
}

/**
 * Whether this process knows `accessToken` was obtained for a connection other than
 * `connection` (RFC 9700 §4.9.1: a token goes only to the resource server it was meant for).
 */
export const isFromOtherConnection = (accessToken: string, connection: string): boolean => {
  const origin = origins.get(digest(accessToken))
  return origin !== undefined && origin !== connection
}

/** For tests and the benchmark: forget every origin. */
export const clearTokenOrigins = (): void => origins.clear()
