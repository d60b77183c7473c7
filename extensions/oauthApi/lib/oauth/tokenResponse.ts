import type { HttpResponse } from '../http/sendRequest'
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
  const where = pathText(dialect.tokenPath)
  if (body === undefined) {
    throw new StepFailure(
      'TOKEN_RESPONSE_INVALID',
      `The token endpoint answered HTTP ${response.status} with ${response.body.trim() === '' ? 'an empty body' : 'a body that is not a JSON object'}; expected ${where === 'access_token' ? 'an access_token (RFC 6749 §5.1)' : `a token at "${where}"`}`,
    )
  }
  const accessToken = valueAtPath(body, dialect.tokenPath)
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw new StepFailure(
      'TOKEN_RESPONSE_INVALID',
      `The token endpoint's response (HTTP ${response.status}) has no usable "${where}"${where === 'access_token' ? ' (RFC 6749 §5.1)' : ' (the token path)'}; its top-level members: ${memberNames(body)}`,
    )
  }
  const tokenType = body['token_type'] === undefined ? 'Bearer' : body['token_type']
  if (
    dialect.bearerOnly &&
    (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer')
  ) {
    throw new StepFailure(
      'TOKEN_TYPE_UNSUPPORTED',
      `The token endpoint issued a token of type ${JSON.stringify((typeof tokenType === 'string' ? tokenType : String(JSON.stringify(tokenType))).slice(0, 40))}; only Bearer tokens (RFC 6750) are supported with the default token header (set tokenHeader or tokenQueryParameter to send another type)`,
    )
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

/** The names of a response's members, for an error that says where the token was not. */
const memberNames = (body: Record<string, unknown>): string => {
  const names = Object.keys(body)
  if (names.length === 0) return 'none'
  const shown = names.slice(0, 10).map((name) => JSON.stringify(name.slice(0, 40)))
  return `${shown.join(', ')}${names.length > 10 ? ', …' : ''}`
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
 * and cut short. 4xx: the server refused the request; anything else: it failed.
 */
export const tokenErrorFailure = (
  response: HttpResponse,
  redactor: Redactor,
  note: string | undefined,
): StepFailure => {
  const body = parseJsonObject(response.body)
  const error = body !== undefined ? nonEmptyString(body['error']) : undefined
  const description = body !== undefined ? nonEmptyString(body['error_description']) : undefined
  // An OAuth error is the server refusing the request, whatever status below 500 it came with
  // (a 200 with {"error": "invalid_client"}); a 5xx is the server failing, error or not.
  const refused = response.status < 500 && (error !== undefined || response.status >= 400)
  const verdict = refused ? 'refused the request' : 'failed'
  const parts = [`The token endpoint ${verdict} (HTTP ${response.status})`]
  if (error !== undefined) {
    parts.push(`: error "${quote(error, redactor)}"`)
    if (description !== undefined)
      parts.push(`, error_description "${quote(description, redactor)}"`)
  } else if (response.body.trim() !== '') {
    parts.push(`: ${quote(response.body, redactor)}`)
  }
  if (note !== undefined) parts.push(` (${note})`)
  return new StepFailure(
    refused ? 'TOKEN_REQUEST_REFUSED' : 'TOKEN_ENDPOINT_FAILED',
    parts.join(''),
  )
}

/** The server's words on one line, scrubbed and cut short. */
const quote = (text: string, redactor: Redactor): string =>
  quoteServerText(text.replace(/\s+/g, ' '), redactor, MAX_QUOTED_LENGTH)

/** Whether a body is a JSON object with an OAuth `error` (RFC 6749 §5.2). */
export const namesOAuthError = (body: string): boolean =>
  body.includes('"error"') && nonEmptyString(parseJsonObject(body)?.['error']) !== undefined

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

export const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

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
    throw new StepFailure(
      'TOKEN_RESPONSE_INVALID',
      dialect.bearerOnly
        ? 'The token endpoint issued an access_token with characters that cannot be sent in a Bearer header (RFC 6750 §2.1)'
        : 'The token endpoint issued a token with characters that cannot be sent unchanged (only visible ASCII can be)',
    )
  }
  return token
}
