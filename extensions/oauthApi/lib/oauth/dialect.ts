import { InputProblem, type ValueParser } from '../input/objectOfParsers'
import { optionalText } from '../input/valueParsers'

/**
 * How a token endpoint speaks, where it deviates from RFC 6749: where the token and its lifetime
 * are in the response, what lifetime to assume when it gives none, and how the request is
 * written. Everything here changes which token is issued or how it is read, so all of it is part
 * of the token cache's key (TokenClient.tokenCacheKey).
 */
export interface TokenDialect {
  /** The token in the response (RFC 6749 §5.1 `access_token` by default), as path segments. */
  tokenPath: readonly string[]
  /** The lifetime in seconds (§5.1 `expires_in` by default): a number or a numeric string. */
  expiresInPath: readonly string[]
  /** An absolute expiry (ISO 8601 date-time, or epoch seconds), used when there is no lifetime. */
  expiresAtPath: readonly string[] | undefined
  /** Seconds to assume when the response gives no lifetime and the token has no JWT exp. */
  lifetimeSeconds: number | undefined
  /** `form` (RFC 6749 §4.4.2, application/x-www-form-urlencoded) or `json`. */
  requestFormat: TokenRequestFormat
  /**
   * Whether only Bearer tokens are taken (RFC 6750): true while the token is sent as
   * `Authorization: Bearer …`; once the designer has said how the token goes (another header
   * template, or a query parameter), any token_type is accepted.
   */
  bearerOnly: boolean
}

export const TOKEN_REQUEST_FORMATS = ['form', 'json'] as const
type TokenRequestFormat = (typeof TOKEN_REQUEST_FORMATS)[number]

/** Where the lifetime of a token came from (Check OAuth connection reports it). */
export type LifetimeSource =
  'expiresIn' | 'expiresAt' | 'jwtExp' | 'tokenLifetimeSeconds' | 'unknown'

const DEFAULT_TOKEN_PATH = 'access_token'
const DEFAULT_EXPIRES_IN_PATH = 'expires_in'

export const RFC6749_DIALECT: TokenDialect = {
  tokenPath: [DEFAULT_TOKEN_PATH],
  expiresInPath: [DEFAULT_EXPIRES_IN_PATH],
  expiresAtPath: undefined,
  lifetimeSeconds: undefined,
  requestFormat: 'form',
  bearerOnly: true,
}

/** A path has at most this many segments and characters. */
const MAX_PATH_SEGMENTS = 10
const MAX_PATH_LENGTH = 200
/** One segment: a JSON member name as APIs write them, or an array index. */
const SEGMENT = /^[A-Za-z0-9_$@:-]+$/
/** Names that are not data in a parsed JSON object. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor'])

/**
 * A dotted path into a JSON response: `access_token`, `data.token`, `tokens.0.value`. Segments
 * are member names (letters, digits, `_ $ @ : -`) or array indexes; no JSONPath.
 */
export const dottedPath =
  <F extends readonly string[] | undefined>(fallback: F): ValueParser<readonly string[] | F> =>
  (value) => {
    const text = optionalText(value)
    if (text === undefined) return fallback
    const segments = text.split('.')
    if (
      text.length > MAX_PATH_LENGTH ||
      segments.length > MAX_PATH_SEGMENTS ||
      !segments.every((segment) => SEGMENT.test(segment) && !PROTOTYPE_NAMES.has(segment))
    ) {
      throw new InputProblem(
        `must be a dotted path of member names, e.g. "access_token" or "data.token" (at most ${MAX_PATH_SEGMENTS} parts of letters, digits, _ $ @ : -)`,
      )
    }
    return segments
  }

export const tokenPath = dottedPath([DEFAULT_TOKEN_PATH])
export const expiresInPath = dottedPath([DEFAULT_EXPIRES_IN_PATH])
export const expiresAtPath = dottedPath(undefined)

/** The value at a path of a parsed JSON object; own members only, arrays by index. */
export const valueAtPath = (body: unknown, path: readonly string[]): unknown => {
  let current = body
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return undefined
      current = current[Number(segment)]
    } else if (Object.prototype.hasOwnProperty.call(current, segment)) {
      current = (current as Record<string, unknown>)[segment]
    } else {
      return undefined
    }
  }
  return current
}

export const pathText = (path: readonly string[]): string => path.join('.')

/** A lifetime in seconds: a number or a numeric string, positive; else undefined. */
export const readSeconds = (value: unknown): number | undefined => {
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : undefined
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined
}

/** ISO 8601 date-time with a time zone (RFC 3339 §5.6), e.g. 2026-01-01T12:00:00Z. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/
/** Epoch values from this on are milliseconds (as seconds they would be past the year 5000). */
const EPOCH_MS_FROM = 1e11

/**
 * An absolute expiry in epoch ms: an ISO 8601 date-time with a zone, or epoch seconds (a number
 * or numeric string; values of 1e11 and more are read as epoch milliseconds, as some APIs send).
 */
export const readExpiresAt = (value: unknown): number | undefined => {
  if (typeof value === 'string' && DATE_TIME.test(value.trim())) {
    const ms = Date.parse(value.trim())
    return Number.isNaN(ms) ? undefined : ms
  }
  const epoch = readSeconds(value)
  if (epoch === undefined) return undefined
  return epoch >= EPOCH_MS_FROM ? epoch : epoch * 1000
}

/** The dialect's part of the token cache's key. */
export const dialectKey = (dialect: TokenDialect): unknown[] => [
  pathText(dialect.tokenPath),
  pathText(dialect.expiresInPath),
  dialect.expiresAtPath === undefined ? null : pathText(dialect.expiresAtPath),
  dialect.lifetimeSeconds ?? null,
  dialect.requestFormat,
  dialect.bearerOnly,
]

/** The dialect of a connection's settings; `bearerOnly` while the token goes as a Bearer header. */
export const tokenDialect = (
  parts: Omit<TokenDialect, 'bearerOnly'>,
  sentAsBearer: boolean,
): TokenDialect => ({ ...parts, bearerOnly: sentAsBearer })
