import type { StepContext } from '../step/StepContext'
import type { HandedInToken } from './handedInToken'
import { readJwtTimes } from './tokenClaims'
import { forgetAccessToken, obtainAccessToken } from './obtainAccessToken'
import type { TokenClient } from './TokenClient'
import { isExpiringSoon } from './tokenLifetime'
import { isFromOtherConnection } from './tokenOrigins'
import { resolveTokenReference } from './tokenReferences'

/**
 * What became of the accessToken field: nothing was handed in (one-step mode), a token, a
 * reference that resolved to its token, a reference this process cannot resolve (another
 * replica, a restart, other settings or connection, an expired token), or a token this process
 * obtained for another connection, which is not sent; the last two make it one-step mode.
 */
type HandedInUse = 'none' | 'token' | 'reference' | 'unresolvedReference' | 'otherConnection'

export interface TokenForCall {
  accessToken: string
  /** When the token expires, if known (epoch ms). */
  expiresAtMs: number | undefined
  /** Whether the token differs from the one the designer handed in. */
  replaced: boolean
  /** Whether a token request was sent for it (not reused from the cache). */
  fetched: boolean
  handedIn: HandedInUse
}

/** A token (or reference) handed in by a previous step, and when it expires if the step knows. */
export interface GivenToken {
  token: HandedInToken
  /** Epoch ms, from the tokenExpiresAt field. */
  expiresAtMs: number | undefined
}

/**
 * The token to send: the one handed in (or the one its reference stands for), unless it is known
 * to expire within the renewal margin (from its JWT exp claim or the step's expiry), or, when
 * none was handed in, the reference does not resolve here, or the token is one this process
 * obtained for another connection, one from the token cache (one-step mode).
 */
export const tokenForCall = async (
  client: TokenClient,
  step: StepContext,
  given: GivenToken | undefined,
): Promise<TokenForCall> => {
  const known = given === undefined ? undefined : knownToken(given, client.cacheKey)
  // RFC 9700 §4.9.1: a token obtained for another connection never goes to this one's API.
  const otherConnection =
    given?.token.kind === 'token' &&
    isFromOtherConnection(given.token.accessToken, client.connection)
  if (given === undefined || known === undefined || otherConnection) {
    const { token, source } = await obtainAccessToken(client, step)
    return {
      accessToken: token.accessToken,
      expiresAtMs: token.expiresAtMs,
      replaced: false,
      fetched: source !== 'cache',
      handedIn:
        given === undefined ? 'none' : otherConnection ? 'otherConnection' : 'unresolvedReference',
    }
  }
  step.redactor.add(known.accessToken)
  const jwt = readJwtTimes(known.accessToken)
  // The earlier of the two: a JWT that says it has expired has, whatever the field says.
  const expiresAtMs = earlier(known.expiresAtMs, jwt.expiresAtMs)
  if (expiresAtMs === undefined || !isExpiringSoon(expiresAtMs, jwt.lifetimeMs)) {
    return {
      accessToken: known.accessToken,
      expiresAtMs,
      replaced: false,
      fetched: false,
      handedIn: given.token.kind,
    }
  }
  return renewedToken(client, step, known.accessToken, given.token.kind)
}

/**
 * The token a field value stands for: the token itself, or the very token its reference was
 * issued for when the reference resolves here for this configuration (TokenClient.cacheKey).
 */
const knownToken = (
  given: GivenToken,
  cacheKey: string,
): { accessToken: string; expiresAtMs: number | undefined } | undefined => {
  if (given.token.kind === 'token') {
    return { accessToken: given.token.accessToken, expiresAtMs: given.expiresAtMs }
  }
  const referenced = resolveTokenReference(given.token.reference, cacheKey)
  if (referenced === undefined) return undefined
  return {
    accessToken: referenced.accessToken,
    expiresAtMs: earlier(given.expiresAtMs, referenced.expiresAtMs),
  }
}

/** The earlier of two times (epoch ms), either of which may be unknown. */
const earlier = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b)

/**
 * A token other than `refused`, if the token endpoint gives one: the cache's, unless that is the
 * refused one, then a new one. Called after the API refused a token (401 or a status in
 * renewOnStatus) or when it expired. At most one more token request is sent after a fresh one
 * that returned the refused token again: one that came from the cache or from a request another
 * run had started may be older than the refusal; this step's own fresh request is not. When the
 * endpoint still hands out the refused token, it is returned with `replaced` false, and the
 * caller decides (a refused token is not sent again; an expiring one may be).
 */
export const renewedToken = async (
  client: TokenClient,
  step: StepContext,
  refused: string,
  handedIn: HandedInUse,
): Promise<TokenForCall> => {
  forgetAccessToken(client, refused)
  let obtained = await obtainAccessToken(client, step)
  if (obtained.token.accessToken === refused && obtained.source !== 'loaded') {
    obtained = await obtainAccessToken(client, step, { bypassCache: true })
  }
  return {
    accessToken: obtained.token.accessToken,
    expiresAtMs: obtained.token.expiresAtMs,
    replaced: obtained.token.accessToken !== refused,
    fetched: obtained.source !== 'cache',
    handedIn,
  }
}
