import type { GaveUp } from '../http/exchange'
import type { HttpResponse } from '../http/sendRequest'
import { parseJsonObject } from '../input/parseJsonObject'
import { quoteServerText } from '../secrets/quoteServerText'
import type { Redactor } from '../secrets/redactor'
import { StepFailure } from '../step/StepFailure'
import { isSendableBearerToken, isSendableToken } from './bearerToken'
import {
  pathText,
  readExpiresAt,
  readSeconds,
  RFC6749_DIALECT,
  valueAtPath,
  type LifetimeSource,
  type TokenDialect,
} from './dialect'
import { readJwtTimes } from './tokenClaims'
import { MAX_TOKEN_LIFETIME_MS, plausibleExpiry } from './tokenLifetime'

export interface TokenSet {
  accessToken: string
  /** As the server sent it (RFC 6749 §5.1: case-insensitive, "bearer" is common). */
  tokenType: string
  /**
   * Epoch ms when the token expires — from expires_in (or the dialect's paths), the JWT exp claim
   * or tokenLifetimeSeconds; undefined if unknown.
   */
  expiresAtMs: number | undefined
  /** Where expiresAtMs came from. */
  lifetimeSource: LifetimeSource
  /** The granted scope, or the requested one when the server omits it (§5.1). */
  scope: string | undefined
  /** The scope as the server stated it; undefined when it did not (§5.1: then as requested). */
  grantedScope: string | undefined
}

/** §5.2 error text that the server sends is quoted at most this long. */
const MAX_QUOTED_LENGTH = 300
/**
 * A response without a token names its first member names, each cut this short, for a failure
 * that says where the token was not; a token type is cut as short.
 */
const MAX_MEMBER_NAMES = 10
const MAX_NAME_LENGTH = 40

/**
 * RFC 6749 §5.1: a successful response is a JSON object with access_token and token_type — or,
 * in the token endpoint's dialect, the token at `tokenPath` and its lifetime at `expiresInPath`
 * or its expiry at `expiresAtPath`. Lifetime, in order: the lifetime, the absolute expiry, the
 * token's JWT exp, the dialect's tokenLifetimeSeconds, else unknown.
 */
export const parseTokenSuccess = (
  response: HttpResponse,
  requestedScope: string | undefined,
  now = Date.now(),
  dialect: TokenDialect = RFC6749_DIALECT,
): TokenSet => {
  const body = parseJsonObject(response.body)
  const tokenPath = pathText(dialect.tokenPath)
  const { status } = response
  if (body === undefined) {
    const problem = response.body.trim() === '' ? 'empty body' : 'not a JSON object'
    throw new StepFailure({ kind: 'token response', problem, status, tokenPath })
  }
  const accessToken = valueAtPath(body, dialect.tokenPath)
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    const names = Object.keys(body)
    throw new StepFailure({
      kind: 'token response',
      problem: 'no token',
      status,
      tokenPath,
      members: names.slice(0, MAX_MEMBER_NAMES).map((name) => name.slice(0, MAX_NAME_LENGTH)),
      memberCount: names.length,
    })
  }
  const tokenType = body['token_type'] === undefined ? 'Bearer' : body['token_type']
  if (
    dialect.bearerOnly &&
    (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')
  ) {
    // RFC 6750: only Bearer tokens go in the default token header.
    const sent = typeof tokenType === 'string' ? tokenType : String(JSON.stringify(tokenType))
    throw new StepFailure({
      kind: 'token response',
      problem: 'token type',
      tokenType: sent.slice(0, MAX_NAME_LENGTH),
    })
  }
  const { expiresAtMs, lifetimeSource } = tokenExpiry(body, accessToken, dialect, now)
  const granted =
    typeof body['scope'] === 'string' && body['scope'] !== '' ? body['scope'] : undefined
  return {
    accessToken,
    tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer',
    expiresAtMs,
    lifetimeSource,
    scope: granted ?? requestedScope,
    grantedScope: granted,
  }
}

const tokenExpiry = (
  body: Record<string, unknown>,
  accessToken: string,
  dialect: TokenDialect,
  now: number,
): { expiresAtMs: number | undefined; lifetimeSource: LifetimeSource } => {
  const lifetime = parseExpiresIn(valueAtPath(body, dialect.expiresInPath))
  if (lifetime !== undefined) {
    return { expiresAtMs: now + lifetime * 1000, lifetimeSource: 'expiresIn' }
  }
  if (dialect.expiresAtPath !== undefined) {
    const expiresAt = plausibleExpiry(readExpiresAt(valueAtPath(body, dialect.expiresAtPath)), now)
    if (expiresAt !== undefined) return { expiresAtMs: expiresAt, lifetimeSource: 'expiresAt' }
  }
  const jwtExpiry = readJwtTimes(accessToken).expiresAtMs
  if (jwtExpiry !== undefined) return { expiresAtMs: jwtExpiry, lifetimeSource: 'jwtExp' }
  if (dialect.lifetimeSeconds !== undefined) {
    return {
      expiresAtMs: now + dialect.lifetimeSeconds * 1000,
      lifetimeSource: 'tokenLifetimeSeconds',
    }
  }
  return { expiresAtMs: undefined, lifetimeSource: 'unknown' }
}

/**
 * The requested scopes the server left out of the token (RFC 6749 §3.3: a space-delimited,
 * case-sensitive set, in any order; §5.1: "scope" is REQUIRED when it differs from the request).
 * Nothing is known when the server did not state the scope: then none.
 */
export const scopesNotGranted = (token: TokenSet, requestedScope: string | undefined): string[] => {
  if (requestedScope === undefined || token.grantedScope === undefined) return []
  const granted = new Set(scopeTokens(token.grantedScope))
  return [...new Set(scopeTokens(requestedScope))].filter((scope) => !granted.has(scope))
}

const scopeTokens = (scope: string): string[] => scope.split(/\s+/).filter((part) => part !== '')

/**
 * expires_in is RECOMMENDED (§5.1) and arrives as a number or, from some servers (Azure AD B2C,
 * NetSuite, CMS BCDA), as a numeric string. 0, negative, unreadable values and lifetimes beyond
 * MAX_TOKEN_LIFETIME_MS (1e13, 1e308, a string of 400 digits) mean "unknown".
 */
const parseExpiresIn = (value: unknown): number | undefined => {
  const seconds = readSeconds(value)
  return seconds !== undefined && seconds * 1000 <= MAX_TOKEN_LIFETIME_MS
    ? Math.floor(seconds)
    : undefined
}

/**
 * RFC 6749 §5.2: an error response names the error code and may describe it. The quoted text is
 * the server's: it is scrubbed of this run's secrets (a server may echo the client secret back)
 * and cut short; the failure carries it as facts (run/ words them).
 */
export const tokenErrorFailure = (
  response: HttpResponse,
  redactor: Redactor,
  exchange: { attempts: number; gaveUp: GaveUp | undefined },
): StepFailure => {
  const body = parseJsonObject(response.body)
  const error = body !== undefined ? nonEmptyString(body['error']) : undefined
  const description = body !== undefined ? nonEmptyString(body['error_description']) : undefined
  return new StepFailure({
    kind: 'token error',
    status: response.status,
    attempts: exchange.attempts,
    gaveUp: exchange.gaveUp,
    oauthError: error !== undefined ? quote(error, redactor) : undefined,
    oauthErrorDescription:
      error !== undefined && description !== undefined ? quote(description, redactor) : undefined,
    serverText:
      error === undefined && response.body.trim() !== ''
        ? quote(response.body, redactor)
        : undefined,
  })
}

/** The server's words on one line, scrubbed and cut short. */
const quote = (text: string, redactor: Redactor): string =>
  quoteServerText(text.replace(/\s+/g, ' '), redactor, MAX_QUOTED_LENGTH)

/** Whether a body is a JSON object with an OAuth `error` (RFC 6749 §5.2). */
export const namesOAuthError = (body: string): boolean =>
  body.includes('"error"') && nonEmptyString(parseJsonObject(body)?.['error']) !== undefined

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

/**
 * RFC 6750 §2.1: a Bearer token that cannot be sent as it is would be altered on the way. A token
 * sent otherwise (another header template, a query parameter) needs only to fit in a header value
 * or a URL unchanged: visible ASCII.
 */
export const assertSendable = (
  token: TokenSet,
  dialect: TokenDialect = RFC6749_DIALECT,
): TokenSet => {
  const sendable = dialect.bearerOnly
    ? isSendableBearerToken(token.accessToken)
    : isSendableToken(token.accessToken)
  if (!sendable) {
    throw new StepFailure({
      kind: 'token response',
      problem: 'unsendable',
      bearerOnly: dialect.bearerOnly,
    })
  }
  return token
}
