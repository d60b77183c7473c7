import { fieldFailure, StepFailure } from '../step/StepFailure'

/**
 * The API base URL with its path ending in '/', so that "under it" is a plain prefix test:
 * https://ex.com/fhir/ covers /fhir/Patient but not /fhirx or /other.
 */
export interface ApiBase {
  origin: string
  pathPrefix: string
  href: string
  /** The base URL as configured (origin and path, with or without a final '/'): an empty path's URL. */
  itself: string
}

export const parseApiBase = (apiBaseUrl: string): ApiBase => {
  const url = new URL(apiBaseUrl)
  const pathPrefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`
  return {
    origin: url.origin,
    pathPrefix,
    href: `${url.origin}${pathPrefix}`,
    itself: `${url.origin}${url.pathname}`,
  }
}

/**
 * The one rule for every URL the access token may go to — the `path` field, an absolute URL in
 * it, a redirect target, any next-page link: `true`, or why not. The URL must be on the base's
 * origin, without user info, with its path under the base path, and with no segment that a
 * server could read as a climb: a dot segment with `;` parameters (`..;`, `.;jsessionid=x`, which
 * Tomcat and Spring treat as `..` and `.`), or a percent-encoded dot segment, "/" or "\" — also
 * encoded twice or more (`%252e%252e`), for servers and proxies that decode more than once. The
 * URL parser has already resolved plain dot segments (and `%2e`), and turned "\" into "/".
 */
export const tokenMayGoTo = (url: URL, base: ApiBase): true | string => {
  if (url.origin !== base.origin) return 'another origin'
  if (url.username !== '' || url.password !== '') return 'user info (user:password@) in the URL'
  if (!url.pathname.startsWith(base.pathPrefix) && `${url.pathname}/` !== base.pathPrefix) {
    return 'a path outside the base path'
  }
  // Without "%" or ";" no segment can climb: the parser has resolved the plain dot segments.
  const { pathname } = url
  const mayClimb = pathname.includes('%') || pathname.includes(';')
  if (mayClimb && pathname.split('/').some(isClimbingSegment)) {
    return 'a dot segment with ";" parameters, or an encoded "/", "\\" or dot segment, that servers which decode it could climb with'
  }
  return true
}

/** How many times a segment is percent-decoded at most to see what a server could make of it. */
const MAX_DECODINGS = 4

/**
 * Whether a path segment, decoded as often as a lenient server or proxy would, is a dot segment
 * (also with `;` parameters) or holds a "/" or "\".
 */
const isClimbingSegment = (segment: string): boolean => {
  let decoded = segment
  for (let round = 0; ; round++) {
    const beforeParams = decoded.split(';')[0] ?? ''
    if (beforeParams === '.' || beforeParams === '..') return true
    if (round > 0 && /[/\\]/.test(decoded)) return true
    if (!decoded.includes('%') || round >= MAX_DECODINGS) return false
    const next = percentDecoded(decoded)
    if (next === decoded) return false
    decoded = next
  }
}

/** %XX escapes decoded as bytes (invalid UTF-8 becomes U+FFFD; lone "%" stays). */
const percentDecoded = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    )
  }
}

/**
 * Resolves the `path` field against the API base URL. An empty path is the base URL itself, as
 * configured (e.g. a GraphQL endpoint `https://api.example.com/graphql`). A relative path is taken relative to the
 * base path (a leading '/' does not climb to the origin's root); an absolute URL must already be
 * under the base. Dot segments (also percent-encoded ones) are resolved by the URL parser before
 * the check (tokenMayGoTo), so a path that climbs out of the base is refused, as are
 * protocol-relative `//host/...` paths — RFC 9700 §4.9.1: never send a token to a URL supplied at
 * run time.
 */
export const resolveUnderBase = (path: string, base: ApiBase, fieldName = 'path'): URL => {
  const trimmed = path.trim()
  if (trimmed === '') return new URL(base.itself)
  if (/^[\\/]{2}/.test(trimmed)) {
    throw new StepFailure({
      kind: 'path outside base',
      field: fieldName,
      outside: 'protocol-relative',
    })
  }
  let url: URL
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) {
    try {
      url = new URL(trimmed)
    } catch {
      throw fieldFailure(fieldName, 'is not a valid URL')
    }
  } else {
    const relative = trimmed.replace(/^[\\/]+/, '')
    // One parse: the origin written out, rather than parsed again as a base URL.
    url = new URL(`${base.origin}${base.pathPrefix}${relative}`)
  }
  if (url.hash !== '') url.hash = ''
  const verdict = tokenMayGoTo(url, base)
  if (verdict !== true) {
    throw new StepFailure({
      kind: 'path outside base',
      field: fieldName,
      outside: 'base',
      base: base.href,
      why: verdict,
    })
  }
  return url
}
