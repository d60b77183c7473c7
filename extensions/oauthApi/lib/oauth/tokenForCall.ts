import type { StepContext } from '../step/StepContext'
import { readJwtTimes } from './jwtExpiry'
import { forgetAccessToken, obtainAccessToken } from './obtainAccessToken'
import type { TokenClient } from './TokenClient'
import { isExpiringSoon } from './tokenLifetime'

export interface TokenForCall {
  accessToken: string
  /** Whether the token differs from the one the designer handed in. */
  replaced: boolean
  /** Whether a token request was sent for it (not reused from the cache). */
  fetched: boolean
}

/** A token handed in by a previous step, and when it expires if the step knows (epoch ms). */
export interface GivenToken {
  accessToken: string
  expiresAtMs: number | undefined
}

/**
 * The token to send: the one handed in by a previous step, unless it is known to expire within
 * the renewal margin (from its JWT exp claim or the step's expiry), or, when none was handed in,
 * one from the token cache (one-step mode).
 */
export const tokenForCall = async (
  client: TokenClient,
  step: StepContext,
  given: GivenToken | undefined,
): Promise<TokenForCall> => {
  if (given === undefined) {
    const { token, source } = await obtainAccessToken(client, step)
    return { accessToken: token.accessToken, replaced: false, fetched: source !== 'cache' }
  }
  step.redactor.add(given.accessToken)
  const jwt = readJwtTimes(given.accessToken)
  // The earlier of the two: a JWT that says it has expired has, whatever the field says.
  const known = [given.expiresAtMs, jwt.expiresAtMs].filter((ms): ms is number => ms !== undefined)
  const expiresAtMs = known.length > 0 ? Math.min(...known) : undefined
  // exp − iat, so that a short-lived token gets a proportional margin.
  const lifetimeMs =
    jwt.expiresAtMs !== undefined && jwt.issuedAtMs !== undefined
      ? jwt.expiresAtMs - jwt.issuedAtMs
      : undefined
  if (expiresAtMs === undefined || !isExpiringSoon(expiresAtMs, lifetimeMs)) {
    return { accessToken: given.accessToken, replaced: false, fetched: false }
  }
  return renewedToken(client, step, given.accessToken)
}

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
): Promise<TokenForCall> => {
  forgetAccessToken(client, refused)
  let obtained = await obtainAccessToken(client, step)
  if (obtained.token.accessToken === refused && obtained.source !== 'loaded') {
    obtained = await obtainAccessToken(client, step, { bypassCache: true })
  }
  return {
    accessToken: obtained.token.accessToken,
    replaced: obtained.token.accessToken !== refused,
    fetched: obtained.source !== 'cache',
  }
}
