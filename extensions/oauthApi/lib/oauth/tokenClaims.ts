import { decodeJwtPayload } from './jws'
import { plausibleExpiry } from './tokenLifetime'

/**
 * What an access token that is a JWT says about itself, read without verifying the signature
 * (jws.ts decodeJwtPayload): the resource server verifies; this only decides whether the token is
 * worth sending, and shows what it says. Opaque tokens (and encrypted JWTs) say nothing.
 */

export interface JwtTimes {
  /** RFC 7519 §4.1.4 exp, in epoch ms. */
  expiresAtMs: number | undefined
  /** RFC 7519 §4.1.6 iat, in epoch ms. */
  issuedAtMs: number | undefined
  /** exp − iat, so that a short-lived token gets a proportional renewal margin. */
  lifetimeMs: number | undefined
}

const NO_TIMES: JwtTimes = { expiresAtMs: undefined, issuedAtMs: undefined, lifetimeMs: undefined }

const epochMs = (seconds: unknown): number | undefined =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined

/**
 * The exp and iat claims of a token that is a JWT, and the lifetime between them. A time too far
 * out to believe counts as none (see plausibleExpiry); one in the past stays. Decoding is a few
 * microseconds, so it is done on every call rather than cached.
 */
export const readJwtTimes = (token: string): JwtTimes => {
  const claims = decodeJwtPayload(token)
  if (claims === undefined) return NO_TIMES
  const expiresAtMs = plausibleExpiry(epochMs(claims.exp))
  const issuedAtMs = plausibleExpiry(epochMs(claims.iat))
  return {
    expiresAtMs,
    issuedAtMs,
    lifetimeMs:
      expiresAtMs !== undefined && issuedAtMs !== undefined ? expiresAtMs - issuedAtMs : undefined,
  }
}

/**
 * The claims worth showing of an access token that is a JWT (RFC 9068 §2.2; `scp` as Azure AD and
 * Okta name the scope): who issued it, for whom, for which API, when, with which scope. Never the
 * token, its header or its signature.
 */
const SHOWN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'scope', 'scp', 'client_id'] as const

export type TokenShape =
  | { format: 'jwt'; claims: Partial<Record<(typeof SHOWN_CLAIMS)[number], unknown>> }
  | { format: 'opaque' }

/** A token's format, and for a JWS-signed JWT its claims worth showing. */
export const readTokenShape = (token: string): TokenShape => {
  const payload = decodeJwtPayload(token)
  if (payload === undefined) return { format: 'opaque' }
  const claims: Partial<Record<(typeof SHOWN_CLAIMS)[number], unknown>> = {}
  for (const claim of SHOWN_CLAIMS) {
    if (payload[claim] !== undefined) claims[claim] = payload[claim]
  }
  return { format: 'jwt', claims }
}
