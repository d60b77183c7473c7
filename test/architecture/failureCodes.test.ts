/**
 * Failure codes, read through imports: every code the code has (`FAILURE_CODES`) has exactly one
 * Awell category (`FAILURE_CATEGORIES` of run/describeFailure.ts) and one sentence for the
 * reference (`FAILURE_MEANINGS`), and describeFailure reports each code with that category.
 */
import {
  HTTP_ERROR_CODES,
  networkError,
  timeoutError,
  tlsError,
  tooLargeError,
  type HttpError,
} from '../../extensions/oauthApi/lib/http/HttpError'
import {
  FAILURE_CATEGORIES,
  describeFailure,
} from '../../extensions/oauthApi/lib/run/describeFailure'
import { FAILURE_MEANINGS } from '../../extensions/oauthApi/lib/run/failureMeanings'
import type { ApiAnswerFacts, FailureFacts } from '../../extensions/oauthApi/lib/step/failureFacts'
import {
  FAILURE_CODES,
  InputFailure,
  StepFailure,
  type FailureCode,
} from '../../extensions/oauthApi/lib/step/StepFailure'

const AWELL_CATEGORIES = [
  'MISSING_SETTINGS',
  'MISSING_FIELDS',
  'WRONG_INPUT',
  'BAD_REQUEST',
  'SERVER_ERROR',
  'WRONG_DATA',
]

const X = new URL('https://x.example/a')
const facts = (made: FailureFacts) => (): StepFailure => new StepFailure(made)
const api = (status: number, more: Partial<ApiAnswerFacts> = {}) =>
  facts({
    kind: 'API answer',
    request: { method: 'GET', path: '/a' },
    status,
    attempts: 1,
    ...more,
  })
const graphql = { method: 'POST', path: '/graphql' }

/** A failure of each code, made of facts as its throw site makes it (the type asks for every code). */
const SAMPLES: Readonly<Record<Exclude<FailureCode, 'INTERNAL'>, () => StepFailure | HttpError>> = {
  INVALID_SETTING: () => new InputFailure('setting', [{ key: 'clientId', problem: 'is required' }]),
  INVALID_FIELD: () => new InputFailure('field', [{ key: 'path', problem: 'is required' }]),
  PATH_OUTSIDE_BASE: facts({
    kind: 'path outside base',
    field: 'path',
    outside: 'protocol-relative',
  }),
  HEADER_REFUSED: facts({
    kind: 'header refused',
    field: 'headers',
    name: 'Host',
    problem: 'set by the extension',
  }),
  DISCOVERY_FAILED: facts({
    kind: 'discovery',
    tried: [{ document: 'openid-configuration', problem: 'no token_endpoint' }],
  }),
  TOKEN_REQUEST_REFUSED: facts({ kind: 'token error', status: 401, attempts: 1 }),
  TOKEN_ENDPOINT_FAILED: facts({ kind: 'token error', status: 502, attempts: 3 }),
  TOKEN_RESPONSE_INVALID: facts({
    kind: 'token response',
    problem: 'unsendable',
    bearerOnly: true,
  }),
  TOKEN_TYPE_UNSUPPORTED: facts({
    kind: 'token response',
    problem: 'token type',
    tokenType: 'mac',
  }),
  TOKEN_REDIRECT_REFUSED: facts({
    kind: 'token redirect',
    redirect: { reason: 'LOOP', target: X },
  }),
  API_CLIENT_ERROR: api(404),
  API_SERVER_ERROR: api(500),
  API_REDIRECT_REFUSED: api(302, { refusedRedirect: { reason: 'LOOP', target: X } }),
  API_RESPONSE_INVALID: facts({
    kind: 'API body invalid',
    request: { method: 'GET', path: '/a' },
    status: 200,
    contentType: 'application/json',
    excerpt: '{',
  }),
  GRAPHQL_ERRORS: facts({
    kind: 'GraphQL errors',
    request: graphql,
    status: 200,
    errors: { count: 1, first: [{ shape: 'object' }] },
  }),
  GRAPHQL_RESPONSE_INVALID: facts({
    kind: 'GraphQL response invalid',
    request: graphql,
    status: 200,
    problem: 'empty body',
    excerpt: '',
  }),
  PAGE_OUTSIDE_BASE: facts({
    kind: 'page outside base',
    page: 2,
    link: 'https://y.example/',
    base: 'https://x.example/',
  }),
  RATE_LIMITED: facts({
    kind: 'rate limited',
    perMinute: 1,
    request: { method: 'GET', path: '/a' },
    timeoutSeconds: 1,
  }),
  TOKEN_NOT_RENEWED: api(401, { tokenNotRenewed: true }),
  TIMEOUT: () => timeoutError(X, 1),
  TOO_LARGE: () => tooLargeError(X, 1024),
  NETWORK: () => networkError(X, 'ECONNRESET'),
  TLS: () => tlsError(X, 'CERT_HAS_EXPIRED') as HttpError,
  NETWORK_POLICY: facts({
    kind: 'transport',
    request: 'token request',
    transport: {
      code: 'NETWORK_POLICY',
      where: 'https://x.example/a',
      attempts: 1,
      host: 'x.example',
      address: '10.0.0.1',
      rule: 'private',
    },
  }),
}

describe('failure codes', () => {
  it('are distinct, and include the transport codes and INTERNAL', () => {
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length)
    expect(FAILURE_CODES).toEqual(expect.arrayContaining([...HTTP_ERROR_CODES, 'INTERNAL']))
    expect(FAILURE_CODES.length).toBeGreaterThan(15)
  })

  it('have a category each, and nothing else has one', () => {
    expect(Object.keys(FAILURE_CATEGORIES).sort()).toEqual([...FAILURE_CODES].sort())
    expect(
      Object.values(FAILURE_CATEGORIES).filter((category) => !AWELL_CATEGORIES.includes(category)),
    ).toEqual([])
  })

  it('have a sentence each for the reference, and nothing else has one', () => {
    expect(Object.keys(FAILURE_MEANINGS).sort()).toEqual([...FAILURE_CODES].sort())
    expect(Object.values(FAILURE_MEANINGS).filter((text) => text.trim() === '')).toEqual([])
  })

  it.each(FAILURE_CODES.filter((code) => code !== 'INTERNAL'))(
    '%s is reported with its category',
    (code) => {
      const thrown = SAMPLES[code]()
      expect(thrown.code).toBe(code)
      expect(describeFailure(thrown)).toMatchObject({ code, category: FAILURE_CATEGORIES[code] })
    },
  )

  it('INTERNAL is what anything else is reported as', () => {
    expect(describeFailure(new TypeError('secret'))).toMatchObject({
      code: 'INTERNAL',
      category: FAILURE_CATEGORIES.INTERNAL,
    })
  })
})
