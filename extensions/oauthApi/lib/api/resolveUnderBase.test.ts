import fc from 'fast-check'
import { StepFailure } from '../step/StepFailure'
import { isUnderBase, parseApiBase, resolveUnderBase } from './resolveUnderBase'

const base = parseApiBase('https://api.example.com/fhir/R4')

describe('resolveUnderBase (RFC 9700 §4.9.1: the token only goes under the API base URL)', () => {
  it.each([
    ['/Patient/1', 'https://api.example.com/fhir/R4/Patient/1'],
    ['Patient/1', 'https://api.example.com/fhir/R4/Patient/1'],
    ['Patient?name=a b', 'https://api.example.com/fhir/R4/Patient?name=a%20b'],
    ['https://api.example.com/fhir/R4/Patient/1#x', 'https://api.example.com/fhir/R4/Patient/1'],
    ['/Patient/../Observation', 'https://api.example.com/fhir/R4/Observation'],
    ['', 'https://api.example.com/fhir/R4'],
    ['  ', 'https://api.example.com/fhir/R4'],
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
    'https://evil.example.com/fhir/R4/Patient',
    'http://api.example.com/fhir/R4/Patient',
    'https://api.example.com:8443/fhir/R4/Patient',
    'https://api.example.com/fhir/R4x',
    'https://u:p@api.example.com/fhir/R4/Patient',
    'javascript:alert(1)',
  ])('refuses %j', (path) => {
    expect(() => resolveUnderBase(path, base)).toThrow(StepFailure)
  })

  it('never returns a URL outside the base, whatever the path (property)', () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E.',
      '',
      'a',
      '\\',
      '/',
      '@',
      ':',
      '?',
      '#',
      '%2f',
      'evil.com',
    )
    const path = fc.oneof(
      fc.string(),
      fc.array(segment, { maxLength: 8 }).map((parts) => parts.join('/')),
    )
    fc.assert(
      fc.property(
        fc.constantFrom('', '/', '//', 'https://api.example.com/fhir/R4/', 'https://'),
        path,
        (prefix, rest) => {
          let resolved: URL | undefined
          try {
            resolved = resolveUnderBase(prefix + rest, base)
          } catch (error) {
            expect(error).toBeInstanceOf(StepFailure)
            return
          }
          expect(isUnderBase(resolved, base)).toBe(true)
          expect(resolved.origin).toBe('https://api.example.com')
          // Under the base path, or the base itself (an empty path).
          expect(
            resolved.pathname.startsWith('/fhir/R4/') ||
              (resolved.pathname === '/fhir/R4' && (prefix + rest).trim() === ''),
          ).toBe(true)
        },
      ),
      { numRuns: 5000 },
    )
  })
})
