import { createHash, randomBytes } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { readJwtTimes } from './tokenClaims'
import { renewalMarginMs, reusableUntilMs } from './tokenLifetime'

/**
 * What the accessToken data points hold: the token itself (`token`, the default), or an opaque
 * reference to it (`reference`), so that the token never becomes a data point — data points are
 * stored with the care flow, sent to webhooks and exported to the analytics warehouse.
 */
export const TOKEN_DATA_POINT_MODES = ['token', 'reference'] as const
export type TokenDataPointMode = (typeof TOKEN_DATA_POINT_MODES)[number]

const REFERENCE_PREFIX = 'oauthapi-ref:'
/** 128 random bits: a reference cannot be guessed, and says nothing about the token. */
const REFERENCE_BYTES = 16
/** The prefix and base64url of at least 16 bytes (22 characters); longer ones are not ours. */
const REFERENCE_PATTERN = /^oauthapi-ref:[A-Za-z0-9_-]{22,64}$/

/**
 * References kept at most: one per distinct token and configuration while the token is fresh.
 * An evicted reference no longer resolves, which is never an error (the step then gets a token
 * from the settings), so the bound is safe.
 */
const MAX_REFERENCES = 1000

/** A token as a step obtained or sent it, with the configuration it belongs to. */
export interface ReferencedToken {
  accessToken: string
  /** TokenClient.cacheKey: the configuration (client, credential, scope, …) it was issued for. */
  cacheKey: string
  /** Epoch ms, when known. */
  expiresAtMs: number | undefined
}

/**
 * reference → the token it was issued for. In this process only: another replica or a restart
 * does not know the reference. Each entry lives while its token is fresh (freshForMs).
 */
const references = new LRUCache<string, ReferencedToken>({ max: MAX_REFERENCES })
/** digest of (configuration, token) → its reference, so that one token has one reference. */
const issued = new LRUCache<string, string>({ max: MAX_REFERENCES })

export const isTokenReference = (text: string): boolean => REFERENCE_PATTERN.test(text)

export const looksLikeTokenReference = (text: string): boolean => text.startsWith(REFERENCE_PREFIX)

/**
 * How long a token stays fresh: until the renewal margin before its expiry — the margin
 * tokenForCall applies to a token handed in (60 s, or a fifth of a JWT's exp − iat) — or, when
 * its expiry is unknown, as long as the token cache would reuse it (5 minutes).
 */
const freshForMs = (token: ReferencedToken, now: number): number => {
  if (token.expiresAtMs === undefined) return reusableUntilMs(undefined, now) - now
  const { lifetimeMs } = readJwtTimes(token.accessToken)
  return token.expiresAtMs - renewalMarginMs(lifetimeMs) - now
}

/** The reference that stands for this token of this configuration in data points. */
export const referenceFor = (token: ReferencedToken, now = Date.now()): string => {
  // At least 1 ms: lru-cache reads a ttl of 0 as "forever".
  const ttl = Math.max(1, freshForMs(token, now))
  const issuedKey = createHash('sha256')
    .update(JSON.stringify([token.cacheKey, token.accessToken]))
    .digest('hex')
  const existing = issued.get(issuedKey)
  if (existing !== undefined && references.has(existing)) return existing
  const reference = `${REFERENCE_PREFIX}${randomBytes(REFERENCE_BYTES).toString('base64url')}`
  references.set(reference, { ...token }, { ttl })
  issued.set(issuedKey, reference, { ttl })
  return reference
}

/**
 * The very token a reference was issued for — only for the same configuration, and only while
 * the token is fresh; otherwise undefined, and the step gets a token from its settings. A
 * reference made under other settings never yields their token.
 */
export const resolveTokenReference = (
  reference: string,
  cacheKey: string,
): ReferencedToken | undefined => {
  const referenced = references.get(reference)
  return referenced !== undefined && referenced.cacheKey === cacheKey ? referenced : undefined
}

/** For tests and the benchmark: forget every reference. */
export const clearTokenReferences = (): void => {
  references.clear()
  issued.clear()
}
