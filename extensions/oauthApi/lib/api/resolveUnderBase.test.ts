import fc from 'fast-check'
import { StepFailure } from '../step/StepFailure'
import { parseApiBase, resolveUnderBase, tokenMayGoTo } from './resolveUnderBase'

const ORIGIN = 'https://api.example.com'
const base = parseApiBase(`${ORIGIN}/fhir/R4`)

/**
 * The oracle: the paths a lenient server (or a proxy in front of it) could route a request to —
 * percent-decoding 0 to 4 times, dropping ";" parameters from each segment (Tomcat, Spring),
 * reading "\" as "/", then resolving dot segments.
 */
const lenientRoutes = (pathname: string): string[] => {
  const routes: string[] = []
  let decoded = pathname
  for (let round = 0; round <= 4; round++) {
    const stack: string[] = []
    for (const raw of decoded.replace(/\\/g, '/').split('/').slice(1)) {
      const segment = raw.split(';')[0]
      if (segment === '..') stack.pop()
      else if (segment !== '.') stack.push(segment)
    }
    routes.push(`/${stack.join('/')}`)
    try {
      decoded = decodeURIComponent(decoded)
    } catch {
      decoded = decoded.replace(/%([0-9a-f]{2})/gi, (_e, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      )
    }
  }
  return routes
}

const staysUnderBase = (url: URL): boolean =>
  url.origin === ORIGIN &&
  url.username === '' &&
  url.password === '' &&
  lenientRoutes(url.pathname).every(
    (route) => route.startsWith('/fhir/R4/') || route === '/fhir/R4',
  )

/** Path pieces that servers read in surprising ways. */
const segment = fc.constantFrom(
  '..',
  '.',
  '..;',
  '.;jsessionid=x',
  '..;x',
  '%2e%2e',
  '%2E%2e',
  '.%2e',
  '%2e',
  '%2e%2e;x',
  '%252e%252e',
  '%25252e%25252e',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%252f',
  '%255c',
  '..%2f',
  '%2e%2e%2f..',
  '',
  'a',
  'fhir',
  'R4',
  'Patient;v=1',
  ';',
  '%',
  '%zz',
  '\\',
  '@',
  ':',
  '?',
  '#',
  'evil.com',
)
const segments = fc.array(segment, { maxLength: 8 }).map((parts) => parts.join('/'))

describe('resolveUnderBase (RFC 9700 §4.9.1: the token only goes under the API base URL)', () => {
  it.each([
    ['/Patient/1', 'https://api.example.com/fhir/R4/Patient/1'],
    ['Patient/1', 'https://api.example.com/fhir/R4/Patient/1'],
    ['Patient?name=a b', 'https://api.example.com/fhir/R4/Patient?name=a%20b'],
    ['https://api.example.com/fhir/R4/Patient/1#x', 'https://api.example.com/fhir/R4/Patient/1'],
    ['/Patient/../Observation', 'https://api.example.com/fhir/R4/Observation'],
    ['', 'https://api.example.com/fhir/R4'],
    ['  ', 'https://api.example.com/fhir/R4'],
    ['/Patient;v=1/1', 'https://api.example.com/fhir/R4/Patient;v=1/1'],
    ['/a%2541', 'https://api.example.com/fhir/R4/a%2541'],
  ])('resolves %j to %s', (path, expected) => {
    expect(resolveUnderBase(path, base).href).toBe(expected)
  })

  it('takes an empty path for the base URL as configured, with or without its final "/"', () => {
    expect(resolveUnderBase('', parseApiBase('https://api.example.com/graphql')).href).toBe(
      'https://api.example.com/graphql',
    )
    expect(resolveUnderBase('', parseApiBase('https://api.example.com/gql/?x=1#y')).href).toBe(
      'https://api.example.com/gql/',
    )
  })

  it.each([
    '//evil.example.com/fhir/R4',
    '\\\\evil.example.com/x',
    '/../x',
    '/%2e%2e/x',
    '/..%2f..%2fx',
    '/..;/..;/admin',
    '/.;jsessionid=x/x',
    '/..;x/y',
    '/%2e%2e;x/y',
    '/%252e%252e/%252e%252e/admin',
    '/%25252e%25252e/admin',
    '/a%252fb',
    '/a%255cb',
    '/a%5Cb',
    '/a%2fb',
    'https://evil.example.com/fhir/R4/Patient',
    'http://api.example.com/fhir/R4/Patient',
    'https://api.example.com:8443/fhir/R4/Patient',
    'https://api.example.com/fhir/R4x',
    'https://u:p@api.example.com/fhir/R4/Patient',
    'https://api.example.com/fhir/R4/..;/admin',
    'javascript:alert(1)',
  ])('refuses %j', (path) => {
    expect(() => resolveUnderBase(path, base)).toThrow(StepFailure)
  })

  it('never returns a URL a lenient server would route outside the base (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', '/', '//', `${ORIGIN}/fhir/R4/`, 'https://', `${ORIGIN}/`),
        fc.oneof(fc.string(), segments),
        (prefix, rest) => {
          let resolved: URL
          try {
            resolved = resolveUnderBase(prefix + rest, base)
          } catch (error) {
            expect(error).toBeInstanceOf(StepFailure)
            return
          }
          expect(tokenMayGoTo(resolved, base)).toBe(true)
          expect(staysUnderBase(resolved)).toBe(true)
        },
      ),
      { numRuns: 5000 },
    )
  })
})

describe('tokenMayGoTo: the one rule for paths, absolute URLs and redirect targets', () => {
  it('allows a URL only when no lenient server would route it outside the base (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ORIGIN,
          'https://evil.example',
          'http://api.example.com',
          'https://u@api.example.com',
        ),
        segments,
        (origin, path) => {
          let url: URL
          try {
            url = new URL(`${origin}/fhir/R4/${path}`)
          } catch {
            return
          }
          if (tokenMayGoTo(url, base) === true) expect(staysUnderBase(url)).toBe(true)
        },
      ),
      { numRuns: 5000 },
    )
  })

  it('follows a redirect only when its target passes the same rule (property)', () => {
    const location = fc.oneof(
      segments,
      segments.map((path) => `/${path}`),
      segments.map((path) => `/fhir/R4/${path}`),
      segments.map((path) => `//evil.example/${path}`),
      segments.map((path) => `${ORIGIN}/fhir/R4/${path}`),
    )
    fc.assert(
      fc.property(location, (value) => {
        let target: URL
        try {
          target = new URL(value, `${ORIGIN}/fhir/R4/Patient/1`)
        } catch {
          return
        }
        if (tokenMayGoTo(target, base) === true) expect(staysUnderBase(target)).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })

  it('says why a URL is refused', () => {
    expect(tokenMayGoTo(new URL('https://evil.example/fhir/R4/x'), base)).toBe('another origin')
    expect(tokenMayGoTo(new URL(`${ORIGIN}/admin`), base)).toBe('a path outside the base path')
    expect(tokenMayGoTo(new URL(`${ORIGIN}/fhir/R4/..;/x`), base)).toMatch(/";" parameters/)
    expect(tokenMayGoTo(new URL(`${ORIGIN}/fhir/R4/x`), base)).toBe(true)
    expect(tokenMayGoTo(new URL(`${ORIGIN}/fhir/R4`), base)).toBe(true)
  })
})
