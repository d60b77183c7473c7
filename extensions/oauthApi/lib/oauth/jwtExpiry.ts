import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import { plausibleExpiry } from './tokenLifetime'

export interface JwtTimes {
  /** RFC 7519 §4.1.4 exp, in epoch ms. */
  expiresAtMs: number | undefined
  /** RFC 7519 §4.1.6 iat, in epoch ms. */
  issuedAtMs: number | undefined
}

const NO_TIMES: JwtTimes = { expiresAtMs: undefined, issuedAtMs: undefined }

/** A JWT's exp and iat claims in epoch ms, as written (undefined when absent or not a number). */
interface JwtClaimTimes {
  expMs: number | undefined
  iatMs: number | undefined
}

const NO_CLAIMS: JwtClaimTimes = { expMs: undefined, iatMs: undefined }

/**
 * The claims of the tokens seen lately (handed in by an earlier step, or from the cache): they
 * depend on the token alone, so a token's JWT is decoded once, not on every call that sends it.
 * Bounded like the token cache it mirrors.
 */
const MAX_CACHED_CLAIMS = 1000
const claimsCache = new LRUCache<string, JwtClaimTimes>({ max: MAX_CACHED_CLAIMS })

/**
 * The exp and iat claims of a token that is a JWT, read without verifying the signature: the
 * resource server verifies; this only decides whether the token is worth sending. Opaque tokens
 * give no times. A time too far out to believe counts as none (see plausibleExpiry); one in the
 * past stays.
 */
export const readJwtTimes = (token: string): JwtTimes => {
  let claims = claimsCache.get(token)
  if (claims === undefined) {
    claims = decodeClaimTimes(token)
    claimsCache.set(token, claims)
  }
  if (claims === NO_CLAIMS) return NO_TIMES
  return { expiresAtMs: plausibleExpiry(claims.expMs), issuedAtMs: plausibleExpiry(claims.iatMs) }
}

const decodeClaimTimes = (token: string): JwtClaimTimes => {
  if (token.split('.').length !== 3) return NO_CLAIMS
  try {
    const { exp, iat } = decodeJwt(token)
    return { expMs: epochMs(exp), iatMs: epochMs(iat) }
  } catch {
    return NO_CLAIMS
  }
}

export const readJwtExpiry = (token: string): number | undefined => readJwtTimes(token).expiresAtMs

const epochMs = (seconds: unknown): number | undefined =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined
