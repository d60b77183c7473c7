import { InputProblem, type ValueParser } from '../input/objectOfParsers'
import { optionalText } from '../input/valueParsers'
import { FRAMING_HEADERS, isHeaderName, isSendableHeaderValue } from './headerSafety'

/**
 * How the access token goes with each API request: in a header made from a template (RFC 6750
 * §2.1 `Authorization: Bearer {token}` by default; `Authorization: Token token={token}` for
 * Freshsales, a bare `Authorization: {token}` for Stedi, `X-Access-Token: {token}`), or as a query
 * parameter (RFC 6750 §2.3, a last resort: URLs end up in logs and histories).
 */
export type TokenPlacement =
  | {
      kind: 'header'
      /** The header's name as written in the template. */
      name: string
      /** The value around the token: `Bearer ` and `` by default. */
      prefix: string
      suffix: string
      /** Whether this is RFC 6750 §2.1's `Authorization: Bearer {token}`. */
      isDefault: boolean
    }
  | { kind: 'query'; parameter: string }

const DEFAULT_TOKEN_HEADER = 'Authorization: Bearer {token}'

export const BEARER_PLACEMENT: TokenPlacement = {
  kind: 'header',
  name: 'Authorization',
  prefix: 'Bearer ',
  suffix: '',
  isDefault: true,
}

const TOKEN = '{token}'
/** Headers that framing and the HTTP client own, and the body's: never the token's header. */
const NOT_FOR_THE_TOKEN: ReadonlySet<string> = new Set([
  ...FRAMING_HEADERS,
  'content-type',
  'accept',
])

/**
 * The tokenHeader setting: `Name: value` with `{token}` exactly once in the value, e.g.
 * `Authorization: Token token={token}`. A template without `{token}`, with an invalid header name,
 * or with CR, LF or another control character is refused.
 */
export const tokenHeader: ValueParser<TokenPlacement> = (value) => {
  const text = optionalText(value)
  if (text === undefined || text === DEFAULT_TOKEN_HEADER) return BEARER_PLACEMENT
  const colon = text.indexOf(':')
  const name = colon === -1 ? '' : text.slice(0, colon).trim()
  const template = colon === -1 ? '' : text.slice(colon + 1).trim()
  if (!isHeaderName(name)) {
    throw new InputProblem(
      'must be a header line "Name: value" with a valid header name, e.g. "Authorization: Token token={token}"',
    )
  }
  if (NOT_FOR_THE_TOKEN.has(name.toLowerCase())) {
    throw new InputProblem(`cannot send the token in "${name}"`)
  }
  if (!isSendableHeaderValue(template)) {
    throw new InputProblem('has a control character (CR, LF or similar) or a non-Latin-1 character')
  }
  const at = template.indexOf(TOKEN)
  if (at === -1 || template.indexOf(TOKEN, at + TOKEN.length) !== -1) {
    throw new InputProblem('must contain {token} exactly once, e.g. "X-Access-Token: {token}"')
  }
  const prefix = template.slice(0, at)
  const suffix = template.slice(at + TOKEN.length)
  return {
    kind: 'header',
    name,
    prefix,
    suffix,
    isDefault: name.toLowerCase() === 'authorization' && prefix === 'Bearer ' && suffix === '',
  }
}

/** RFC 3986 §3.4 / WHATWG URL: a parameter name that needs no escaping. */
const PARAMETER_NAME = /^[A-Za-z0-9_.~-]{1,100}$/

/** The tokenQueryParameter setting: a query parameter name such as `access_token`, or unset. */
export const tokenQueryParameter: ValueParser<string | undefined> = (value) => {
  const text = optionalText(value)
  if (text === undefined) return undefined
  if (!PARAMETER_NAME.test(text)) {
    throw new InputProblem(
      'must be a query parameter name of letters, digits and _ . ~ - (e.g. access_token)',
    )
  }
  return text
}

/**
 * Where the token goes: the query parameter when one is set (the header template then may not
 * be set too), else the header.
 */
export const tokenPlacement = (
  header: TokenPlacement,
  queryParameter: string | undefined,
): TokenPlacement => {
  if (queryParameter === undefined) return header
  if (!(header.kind === 'header' && header.isDefault)) {
    throw new InputProblem(
      'cannot be set together with tokenHeader: the token goes in one place',
      'tokenQueryParameter',
    )
  }
  return { kind: 'query', parameter: queryParameter }
}

/** The lower-case name of the header the token goes in, if it goes in one. */
export const tokenHeaderName = (placement: TokenPlacement): string | undefined =>
  placement.kind === 'header' ? placement.name.toLowerCase() : undefined

/**
 * The request's headers and URL with the token placed; anything already at the token's place (a
 * query parameter the API echoed into a next link, or an earlier token) is replaced.
 */
export const placeToken = (
  placement: TokenPlacement,
  url: URL,
  headers: Readonly<Record<string, string>>,
  token: string,
): { url: URL; headers: Record<string, string> } => {
  if (placement.kind === 'header') {
    return {
      url,
      headers: { ...headers, [placement.name]: `${placement.prefix}${token}${placement.suffix}` },
    }
  }
  const placed = withoutTokenParameter(url, placement)
  placed.search = `${placed.search === '' ? '?' : `${placed.search}&`}${encodeURIComponent(placement.parameter)}=${encodeURIComponent(token)}`
  return { url: placed, headers }
}

/**
 * A URL the step reports (a Location, a next link), or sends the token to, without the token's
 * query parameter: a copy, the rest of the query as it was.
 */
const withoutTokenParameter = (url: URL, placement: TokenPlacement): URL => {
  const copy = new URL(url.href)
  if (placement.kind !== 'query' || copy.search === '') return copy
  const kept = copy.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !isParameter(pair, placement.parameter))
  copy.search = kept.length === 0 ? '' : `?${kept.join('&')}`
  return copy
}

const isParameter = (pair: string, name: string): boolean => {
  const equals = pair.indexOf('=')
  const rawName = equals === -1 ? pair : pair.slice(0, equals)
  try {
    return decodeURIComponent(rawName.replace(/\+/g, ' ')) === name
  } catch {
    return false
  }
}

/** A reported URL text without the token's query parameter; '' and unreadable texts as they are. */
export const reportedUrl = (href: string, placement: TokenPlacement): string => {
  if (placement.kind !== 'query' || href === '') return href
  try {
    return withoutTokenParameter(new URL(href), placement).href
  } catch {
    return href
  }
}
