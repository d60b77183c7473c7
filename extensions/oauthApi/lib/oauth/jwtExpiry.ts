import { decodeJwt } from 'jose'
import { plausibleExpiry } from './tokenLifetime'

export interface JwtTimes {
  /** RFC 7519 §4.1.4 exp, in epoch ms. */
  expiresAtMs: number | undefined
  /** RFC 7519 §4.1.6 iat, in epoch ms. */
  issuedAtMs: number | undefined
}

const NO_TIMES: JwtTimes = { expiresAtMs: undefined, issuedAtMs: undefined }

/**
 * The exp and iat claims of a token that is a JWT, read without verifying the signature: the
 * resource server verifies; this only decides whether the token is worth sending. Opaque tokens
 * give no times.
 */
export const readJwtTimes = (token: string): JwtTimes => {
  if (token.split('.').length !== 3) return NO_TIMES
  try {
    const { exp, iat } = decodeJwt(token)
    // An exp too far out to believe counts as none (see plausibleExpiry); one in the past stays.
    return { expiresAtMs: plausibleExpiry(epochMs(exp)), issuedAtMs: plausibleExpiry(epochMs(iat)) }
  } catch {
    return NO_TIMES
  }
}

export const readJwtExpiry = (token: string): number | undefined => readJwtTimes(token).expiresAtMs

const epochMs = (seconds: unknown): number | undefined =>
  typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : undefined
