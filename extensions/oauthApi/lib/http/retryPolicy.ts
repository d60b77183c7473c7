import type { HttpMethod } from './sendRequest'

/** At most this many attempts in all (the first and two retries). */
export const MAX_ATTEMPTS = 3
/** A Retry-After longer than this is not waited for: the step fails and says so. */
export const MAX_RETRY_AFTER_MS = 30_000
const BASE_BACKOFF_MS = 200

/** Statuses that say "try again later" (RFC 9110 §15.6.3-5, RFC 6585 §4). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])
/** Connection failures after which a repeat is worth it. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNREFUSED',
  // A body cut short: the connection was lost while reading, as with ECONNRESET before.
  'ERR_RESPONSE_CUT_SHORT',
])

/**
 * RFC 9110 §9.2.2: GET, PUT and DELETE are idempotent, so repeating them cannot create a second
 * record. POST and PATCH are never repeated.
 */
export const isIdempotent = (method: HttpMethod): boolean =>
  method === 'GET' || method === 'PUT' || method === 'DELETE'

/**
 * RFC 9110 §10.2.3: Retry-After is either delay-seconds or an HTTP-date. Returns milliseconds,
 * or undefined when the header is absent or unreadable.
 */
export const parseRetryAfter = (
  value: string | undefined,
  now = Date.now(),
): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

/** Exponential backoff with jitter: 100–200 ms, then 200–400 ms. */
export const backoffDelayMs = (attempt: number, random = Math.random): number => {
  const ceiling = BASE_BACKOFF_MS * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
