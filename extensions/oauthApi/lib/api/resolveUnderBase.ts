import { StepFailure } from '../step/StepFailure'

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

/** Whether a URL may receive the access token: same origin, path under the base path. */
export const isUnderBase = (url: URL, base: ApiBase): boolean =>
  url.origin === base.origin &&
  (url.pathname.startsWith(base.pathPrefix) || `${url.pathname}/` === base.pathPrefix) &&
  url.username === '' &&
  url.password === ''

/**
 * Resolves the `path` field against the API base URL. An empty path is the base URL itself, as
 * configured (e.g. a GraphQL endpoint `https://api.example.com/graphql`). A relative path is taken relative to the
 * base path (a leading '/' does not climb to the origin's root); an absolute URL must already be
 * under the base. Dot segments (also percent-encoded ones) are resolved by the URL parser before
 * the check, so a path that climbs out of the base is refused, as are protocol-relative
 * `//host/...` paths — RFC 9700 §4.9.1: never send a token to a URL supplied at run time.
 */
export const resolveUnderBase = (path: string, base: ApiBase, fieldName = 'path'): URL => {
  const trimmed = path.trim()
  if (trimmed === '') return new URL(base.itself)
  if (/^[\\/]{2}/.test(trimmed)) {
    throw outsideBase(fieldName, 'a protocol-relative URL (//host/…) is not allowed')
  }
  let url: URL
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) {
    try {
      url = new URL(trimmed)
    } catch {
      throw new StepFailure('INVALID_FIELD', 'is not a valid URL', { field: fieldName })
    }
  } else {
    const relative = trimmed.replace(/^[\\/]+/, '')
    // One parse: the origin written out, rather than parsed again as a base URL.
    url = new URL(`${base.origin}${base.pathPrefix}${relative}`)
  }
  if (url.hash !== '') url.hash = ''
  if (!isUnderBase(url, base)) {
    throw outsideBase(fieldName, `it resolves outside the API base URL ${base.href}`)
  }
  if (hasEncodedClimb(url.pathname)) {
    throw outsideBase(
      fieldName,
      'an encoded "/", "\\" or dot segment could climb out of the base on servers that decode it',
    )
  }
  return url
}

/** A segment that decodes to ".", ".." or holds a slash once a server percent-decodes it. */
const hasEncodedClimb = (pathname: string): boolean =>
  pathname.split('/').some((segment) => {
    if (!segment.includes('%')) return false
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return false
    }
    return decoded === '.' || decoded === '..' || /[/\\]/.test(decoded)
  })

const outsideBase = (fieldName: string, why: string): StepFailure =>
  new StepFailure(
    'PATH_OUTSIDE_BASE',
    `refused, ${why}; the access token is only sent to URLs under the API base URL.`,
    { field: fieldName },
  )
