import {
  networkError,
  networkPolicyError,
  timeoutError,
  tlsError,
  tooLargeError,
  type HttpError,
} from '../http/HttpError'
import { NetworkPolicyError } from '../http/networkPolicy'
import type { FailureFacts } from '../step/failureFacts'
import { FAILURE_CODES, InputFailure, StepFailure, type FailureCode } from '../step/StepFailure'
import { transportFailure } from '../step/transportFailure'
import { describeFailure, FAILURE_CATEGORIES } from './describeFailure'

/**
 * Every kind of failure, built from facts alone, and the exact sentence the care flow reads: the
 * wording is run/'s (failureSentence.ts, transportSentence.ts), so a throw site that went back to
 * writing its own sentence would have nothing to put it in, and a change of wording shows here.
 */

const API = 'https://api.example.com'
const AUTH = 'https://auth.example.com'
const url = (text: string): URL => new URL(text)
const failure = (facts: FailureFacts): StepFailure => new StepFailure(facts)
const get = (path: string, page?: number) => ({ method: 'GET', path, page })

type Case = [name: string, thrown: StepFailure | HttpError, code: FailureCode, message: string]

const tokenCases: Case[] = [
  [
    'a token endpoint refusing, with its OAuth error (RFC 6749 §5.2)',
    failure({
      kind: 'token error',
      status: 401,
      attempts: 1,
      oauthError: 'invalid_client',
      oauthErrorDescription: 'bad secret',
    }),
    'TOKEN_REQUEST_REFUSED',
    'The token endpoint refused the request (HTTP 401): error "invalid_client", error_description "bad secret"',
  ],
  [
    'an OAuth error in a 200',
    failure({ kind: 'token error', status: 200, attempts: 1, oauthError: 'invalid_grant' }),
    'TOKEN_REQUEST_REFUSED',
    'The token endpoint refused the request (HTTP 200): error "invalid_grant"',
  ],
  [
    'a token endpoint failing, tried 3 times',
    failure({
      kind: 'token error',
      status: 503,
      attempts: 3,
      serverText: 'Service Unavailable',
      gaveUp: { reason: 'ATTEMPTS_EXHAUSTED' },
    }),
    'TOKEN_ENDPOINT_FAILED',
    'The token endpoint failed (HTTP 503): Service Unavailable (tried 3 times)',
  ],
  [
    'a 5xx with an OAuth error',
    failure({ kind: 'token error', status: 500, attempts: 1, oauthError: 'server_error' }),
    'TOKEN_ENDPOINT_FAILED',
    'The token endpoint failed (HTTP 500): error "server_error"',
  ],
  [
    'a 429 asking for a longer wait than the step allows',
    failure({
      kind: 'token error',
      status: 429,
      attempts: 1,
      gaveUp: { reason: 'RETRY_AFTER_TOO_LONG', retryAfterMs: 120_400 },
    }),
    'TOKEN_REQUEST_REFUSED',
    'The token endpoint refused the request (HTTP 429) (the server asked to retry after 120 s, longer than the extension waits)',
  ],
  [
    'an empty 200',
    failure({
      kind: 'token response',
      problem: 'empty body',
      status: 200,
      tokenPath: 'access_token',
    }),
    'TOKEN_RESPONSE_INVALID',
    'The token endpoint answered HTTP 200 with an empty body; expected an access_token (RFC 6749 §5.1)',
  ],
  [
    'a 200 that is not JSON, in a dialect',
    failure({
      kind: 'token response',
      problem: 'not a JSON object',
      status: 200,
      tokenPath: 'data.token',
    }),
    'TOKEN_RESPONSE_INVALID',
    'The token endpoint answered HTTP 200 with a body that is not a JSON object; expected a token at "data.token"',
  ],
  [
    'a 200 without access_token',
    failure({
      kind: 'token response',
      problem: 'no token',
      status: 200,
      tokenPath: 'access_token',
      members: ['token', 'expires'],
      memberCount: 2,
    }),
    'TOKEN_RESPONSE_INVALID',
    `The token endpoint's response (HTTP 200) has no usable "access_token" (RFC 6749 §5.1); its top-level members: "token", "expires"`,
  ],
  [
    'a 200 without the token at the token path, and more members than it names',
    failure({
      kind: 'token response',
      problem: 'no token',
      status: 201,
      tokenPath: 'data.token',
      members: ['a', 'b'],
      memberCount: 12,
    }),
    'TOKEN_RESPONSE_INVALID',
    `The token endpoint's response (HTTP 201) has no usable "data.token" (the token path); its top-level members: "a", "b", …`,
  ],
  [
    'an empty object',
    failure({
      kind: 'token response',
      problem: 'no token',
      status: 200,
      tokenPath: 'access_token',
      members: [],
      memberCount: 0,
    }),
    'TOKEN_RESPONSE_INVALID',
    `The token endpoint's response (HTTP 200) has no usable "access_token" (RFC 6749 §5.1); its top-level members: none`,
  ],
  [
    'a token type other than Bearer',
    failure({ kind: 'token response', problem: 'token type', tokenType: 'mac' }),
    'TOKEN_TYPE_UNSUPPORTED',
    'The token endpoint issued a token of type "mac"; only Bearer tokens (RFC 6750) are supported with the default token header (set tokenHeader or tokenQueryParameter to send another type)',
  ],
  [
    'a Bearer token that cannot be sent',
    failure({ kind: 'token response', problem: 'unsendable', bearerOnly: true }),
    'TOKEN_RESPONSE_INVALID',
    'The token endpoint issued an access_token with characters that cannot be sent in a Bearer header (RFC 6750 §2.1)',
  ],
  [
    'a token of a dialect that cannot be sent',
    failure({ kind: 'token response', problem: 'unsendable', bearerOnly: false }),
    'TOKEN_RESPONSE_INVALID',
    'The token endpoint issued a token with characters that cannot be sent unchanged (only visible ASCII can be)',
  ],
  [
    'a token endpoint redirecting to another origin',
    failure({
      kind: 'token redirect',
      redirect: {
        reason: 'NOT_ALLOWED',
        target: url('https://other.example/token?a=1'),
        why: 'another origin',
      },
    }),
    'TOKEN_REDIRECT_REFUSED',
    'The token endpoint redirects to https://other.example/token, another origin; the redirect was not followed',
  ],
  [
    'a token endpoint redirecting a second time',
    failure({
      kind: 'token redirect',
      redirect: { reason: 'TOO_MANY', target: url(`${AUTH}/token3`), limit: 1 },
    }),
    'TOKEN_REDIRECT_REFUSED',
    `The token endpoint redirects again, to ${AUTH}/token3; a POST follows at most 1 redirect, so that it is not sent again and again; the redirect was not followed`,
  ],
  [
    'a token endpoint redirecting in a loop',
    failure({
      kind: 'token redirect',
      redirect: { reason: 'LOOP', target: url(`${AUTH}/token`) },
    }),
    'TOKEN_REDIRECT_REFUSED',
    `The token endpoint redirects to ${AUTH}/token, which was already requested (a redirect loop); the redirect was not followed`,
  ],
  [
    'discovery, every document tried',
    failure({
      kind: 'discovery',
      tried: [
        { document: 'openid-configuration', problem: 'status', status: 404 },
        {
          document: 'oauth-authorization-server',
          problem: 'transport',
          transport: networkError(
            url(`${AUTH}/.well-known/oauth-authorization-server`),
            'ECONNREFUSED',
          ).facts,
        },
        { document: 'smart-configuration', problem: 'not a JSON object' },
      ],
    }),
    'DISCOVERY_FAILED',
    `Setting "issuerUrl": no usable token endpoint was discovered (openid-configuration: HTTP 404; oauth-authorization-server: Could not reach ${AUTH}/.well-known/oauth-authorization-server (ECONNREFUSED); smart-configuration: not a JSON object)`,
  ],
  [
    'discovery, documents without a usable token endpoint',
    failure({
      kind: 'discovery',
      tried: [
        { document: 'openid-configuration', problem: 'issuer differs' },
        { document: 'oauth-authorization-server', problem: 'no token_endpoint' },
        { document: 'smart-configuration', problem: 'token_endpoint', why: 'must use https' },
      ],
    }),
    'DISCOVERY_FAILED',
    'Setting "issuerUrl": no usable token endpoint was discovered (openid-configuration: its "issuer" differs from the issuer asked for (RFC 8414 §3.3), so it was discarded; oauth-authorization-server: no token_endpoint; smart-configuration: token_endpoint must use https)',
  ],
]

const transportCases: Case[] = [
  [
    'a token request past the deadline',
    transportFailure(timeoutError(url(`${AUTH}/token?x=1`), 1), 'token request'),
    'TIMEOUT',
    `The token request failed: No complete response from ${AUTH}/token before the step's timeout of 1 s ran out`,
  ],
  [
    'an API request reset three times',
    transportFailure(
      networkError(url(`${API}/fhir/Patient`), 'ECONNRESET').withAttempts(3),
      get('/fhir/Patient'),
    ),
    'NETWORK',
    `GET /fhir/Patient failed: Could not reach ${API}/fhir/Patient (ECONNRESET); tried 3 times`,
  ],
  [
    'a POST reset once, never repeated',
    transportFailure(
      networkError(url(`${API}/fhir/Patient`), 'ECONNRESET'),
      { method: 'POST', path: '/fhir/Patient' },
      'unsafe method',
    ),
    'NETWORK',
    `POST /fhir/Patient failed: Could not reach ${API}/fhir/Patient (ECONNRESET); POST is not repeated, so that no record is created twice (an Idempotency key lets it be repeated, if the API honours one)`,
  ],
  [
    'a GraphQL mutation cut short',
    transportFailure(
      networkError(url(`${API}/graphql`), 'ERR_RESPONSE_CUT_SHORT'),
      { method: 'POST', path: '/graphql' },
      'mutation',
    ),
    'NETWORK',
    `POST /graphql failed: The answer from ${API}/graphql was malformed or cut short (ERR_RESPONSE_CUT_SHORT); a mutation is not repeated, so that no record is created twice`,
  ],
  [
    'a connection failure that is not retried',
    transportFailure(networkError(url(`${API}/x`), undefined), get('/x'), 'unsafe method'),
    'NETWORK',
    `GET /x failed: Could not reach ${API}/x (network error)`,
  ],
  [
    'discovery of a metadata address',
    transportFailure(
      networkPolicyError(
        url('http://169.254.169.254/.well-known/openid-configuration'),
        new NetworkPolicyError('169.254.169.254', undefined, 'a cloud metadata service address'),
      ),
      'discovery',
    ),
    'NETWORK_POLICY',
    "Discovery of the token endpoint failed: Not sent to http://169.254.169.254/.well-known/openid-configuration: the host 169.254.169.254 is a cloud metadata service address, which the extension may not reach (the server's operator can open a range with OAUTHAPI_ALLOWED_NETWORKS)",
  ],
  [
    'a name that resolves into a private network',
    transportFailure(
      networkPolicyError(
        url('https://internal.example/x'),
        new NetworkPolicyError('internal.example', '10.0.0.5', 'private, in 10.0.0.0/8'),
      ),
      get('/x'),
    ),
    'NETWORK_POLICY',
    "GET /x failed: Not sent to https://internal.example/x: the host internal.example (10.0.0.5) is private, in 10.0.0.0/8, which the extension may not reach (the server's operator can open a range with OAUTHAPI_ALLOWED_NETWORKS)",
  ],
  [
    "a server's expired certificate",
    transportFailure(
      tlsError(url('https://api.example.com:8443/x'), 'CERT_HAS_EXPIRED') as HttpError,
      get('/x'),
    ),
    'TLS',
    'GET /x failed: The TLS connection to api.example.com:8443 failed: its certificate has expired (CERT_HAS_EXPIRED); the certificate was not accepted and nothing was sent',
  ],
  [
    'a refused client certificate (RFC 8446 §6.2)',
    transportFailure(
      tlsError(url(`${AUTH}/token`), 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') as HttpError,
      'token request',
    ),
    'TLS',
    'The token request failed: The TLS connection to auth.example.com failed: the server requires a client certificate it accepts, and refused the one presented or found none (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED); see clientCertificate',
  ],
  [
    'a response past the size cap',
    transportFailure(tooLargeError(url(`${API}/big`), 10 * 1024 * 1024), get('/big')),
    'TOO_LARGE',
    `GET /big failed: The response from ${API}/big was larger than 10 MB and was not read`,
  ],
  [
    'a transport failure thrown as it is',
    timeoutError(url(`${API}/x`), 5, 2),
    'TIMEOUT',
    `No complete response from ${API}/x before the step's timeout of 5 s ran out`,
  ],
]

const apiCases: Case[] = [
  [
    "an API's 401 with a Bearer challenge, after a renewal",
    failure({
      kind: 'API answer',
      request: get('/fhir/Patient'),
      status: 401,
      bearerChallenge: 'Bearer error="invalid_token"',
      attempts: 1,
      renewedAfterStatus: 401,
      body: { kind: 'text', text: 'no' },
    }),
    'API_CLIENT_ERROR',
    'The API answered HTTP 401 to GET /fhir/Patient; WWW-Authenticate: Bearer error="invalid_token"; the token was renewed after HTTP 401 and the retry was refused too. Body: no',
  ],
  [
    "an API's 503, tried 3 times, on page 2",
    failure({
      kind: 'API answer',
      request: get('/fhir/Patient', 2),
      status: 503,
      attempts: 3,
      gaveUp: { reason: 'ATTEMPTS_EXHAUSTED' },
    }),
    'API_SERVER_ERROR',
    'The API answered HTTP 503 to GET /fhir/Patient (page 2); tried 3 times',
  ],
  [
    'a POST answered 503, never repeated',
    failure({
      kind: 'API answer',
      request: { method: 'POST', path: '/fhir/Patient' },
      status: 503,
      attempts: 1,
      gaveUp: { reason: 'NOT_RETRYABLE' },
      notRepeated: 'unsafe method',
      body: { kind: 'OperationOutcome', issues: 'error transient: busy' },
    }),
    'API_SERVER_ERROR',
    'The API answered HTTP 503 to POST /fhir/Patient; POST is not repeated, so that no record is created twice (an Idempotency key lets it be repeated, if the API honours one). Body: OperationOutcome: error transient: busy',
  ],
  [
    'a redirect outside the API base URL',
    failure({
      kind: 'API answer',
      request: get('/x'),
      status: 302,
      attempts: 1,
      refusedRedirect: {
        reason: 'NOT_ALLOWED',
        target: url('https://evil.example/x'),
        why: 'another origin',
      },
      body: { kind: 'binary', bytes: 3, contentType: 'image/png' },
    }),
    'API_REDIRECT_REFUSED',
    'The API answered HTTP 302 to GET /x; it redirects to https://evil.example/x, outside the API base URL (another origin), so the redirect was not followed. Body: (3 bytes of image/png, not quoted)',
  ],
  [
    'a refused token handed out again',
    failure({
      kind: 'API answer',
      request: get('/x'),
      status: 403,
      attempts: 1,
      tokenNotRenewed: true,
    }),
    'TOKEN_NOT_RENEWED',
    'The API answered HTTP 403 to GET /x; the token endpoint returned the refused token again when asked for a new one, so the request was not repeated',
  ],
  [
    'a GraphQL 400 with errors in its body',
    failure({
      kind: 'API answer',
      request: { method: 'POST', path: '/graphql' },
      status: 400,
      attempts: 1,
      body: {
        kind: 'GraphQL errors',
        errors: {
          count: 1,
          first: [{ shape: 'object', message: 'bad', location: { line: 1, column: 2 } }],
        },
      },
    }),
    'API_CLIENT_ERROR',
    'The API answered HTTP 400 to POST /graphql. 1 GraphQL error: "bad" (at line 1, column 2)',
  ],
  [
    'a 2xx declared JSON that does not parse',
    failure({
      kind: 'API body invalid',
      request: get('/x', 2),
      status: 200,
      contentType: 'application/fhir+json',
      excerpt: '{oops',
    }),
    'API_RESPONSE_INVALID',
    'The API answered HTTP 200 to GET /x (page 2) with a body declared application/fhir+json that is not JSON (RFC 8259). Body: {oops',
  ],
  [
    'a 2xx that is not a GraphQL response, with its type and body',
    failure({
      kind: 'GraphQL response invalid',
      request: { method: 'POST', path: '/graphql' },
      status: 200,
      problem: 'not a JSON object',
      contentType: 'text/html',
      excerpt: '<html>',
    }),
    'GRAPHQL_RESPONSE_INVALID',
    'The API answered HTTP 200 to POST /graphql with a body that is not a JSON object: not a GraphQL response (GraphQL spec §7.1); Content-Type text/html. Body: <html>',
  ],
  [
    'an empty 2xx to a GraphQL request',
    failure({
      kind: 'GraphQL response invalid',
      request: { method: 'POST', path: '/graphql' },
      status: 204,
      problem: 'empty body',
      excerpt: '',
    }),
    'GRAPHQL_RESPONSE_INVALID',
    'The API answered HTTP 204 to POST /graphql with an empty body: not a GraphQL response (GraphQL spec §7.1)',
  ],
  [
    'a JSON object without data or errors',
    failure({
      kind: 'GraphQL response invalid',
      request: { method: 'POST', path: '/graphql' },
      status: 200,
      problem: 'no data or errors',
      excerpt: '{}',
    }),
    'GRAPHQL_RESPONSE_INVALID',
    'The API answered HTTP 200 to POST /graphql with a JSON object without "data" or "errors": not a GraphQL response (GraphQL spec §7.1). Body: {}',
  ],
  [
    'errors that are not a list',
    failure({
      kind: 'GraphQL response invalid',
      request: { method: 'POST', path: '/graphql' },
      status: 200,
      problem: 'errors not a list',
      excerpt: '{"errors":1}',
    }),
    'GRAPHQL_RESPONSE_INVALID',
    'The API answered HTTP 200 to POST /graphql with "errors" that is not a list: not a GraphQL response (GraphQL spec §7.1). Body: {"errors":1}',
  ],
  [
    'GraphQL errors in a 2xx (GraphQL spec §7.1.2)',
    failure({
      kind: 'GraphQL errors',
      request: { method: 'POST', path: '/graphql' },
      status: 200,
      errors: {
        count: 5,
        first: [
          {
            shape: 'object',
            message: 'Patient 7 is not known',
            path: 'patient',
            code: 'NOT_FOUND',
          },
          { shape: 'not an object' },
          { shape: 'object' },
        ],
      },
    }),
    'GRAPHQL_ERRORS',
    'The API answered HTTP 200 to POST /graphql with 5 GraphQL errors: "Patient 7 is not known" (path patient; code NOT_FOUND); (an error that is not an object); (no message); and 2 more',
  ],
  [
    'pages together past the size cap',
    failure({
      kind: 'pages too large',
      request: { method: 'GET', path: '/list', page: 3 },
      maxBytes: 1000,
      usedBytes: 900,
    }),
    'TOO_LARGE',
    'GET /list (page 3): the pages together are larger than the maximum response size of 1000 bytes, 900 of them in the first 2; page 3 was not read',
  ],
  [
    'a next-page link outside the API base URL',
    failure({
      kind: 'page outside base',
      page: 2,
      link: 'https://elsewhere.example/list',
      base: `${API}/fhir/`,
    }),
    'PAGE_OUTSIDE_BASE',
    `The API's link to page 2 (https://elsewhere.example/list) is outside the API base URL ${API}/fhir/; it was not followed, as the access token is only sent under it, and the step fails rather than pass 1 page(s) off as the whole result`,
  ],
  [
    'a protocol-relative path',
    failure({ kind: 'path outside base', field: 'path', outside: 'protocol-relative' }),
    'PATH_OUTSIDE_BASE',
    'Field "path": refused, a protocol-relative URL (//host/…) is not allowed; the access token is only sent to URLs under the API base URL.',
  ],
  [
    'a path outside the API base URL (RFC 9700 §4.9.1)',
    failure({
      kind: 'path outside base',
      field: 'path',
      outside: 'base',
      base: `${API}/fhir/`,
      why: 'a path outside the base path',
    }),
    'PATH_OUTSIDE_BASE',
    `Field "path": refused, it resolves outside the API base URL ${API}/fhir/ (a path outside the base path); the access token is only sent to URLs under the API base URL.`,
  ],
  [
    'a header name that is not a token',
    failure({
      kind: 'header refused',
      field: 'headers',
      name: `a b${'x'.repeat(70)}`,
      problem: 'not a token',
    }),
    'HEADER_REFUSED',
    `Field "headers": header name "a b${'x'.repeat(57)}" is not a valid token`,
  ],
  [
    'a header the extension sets',
    failure({
      kind: 'header refused',
      field: 'headers',
      name: 'Host',
      problem: 'set by the extension',
    }),
    'HEADER_REFUSED',
    'Field "headers": header "Host" cannot be set (the extension sets it)',
  ],
  [
    'a header value with a control character',
    failure({
      kind: 'header refused',
      field: 'idempotencyKey',
      name: 'Idempotency-Key',
      problem: 'control character',
    }),
    'HEADER_REFUSED',
    'Field "idempotencyKey": header "Idempotency-Key" has a control character (CR, LF or similar) in its value',
  ],
  [
    'a header value beyond Latin-1',
    failure({
      kind: 'header refused',
      field: 'headers',
      name: 'X-Note',
      problem: 'beyond Latin-1',
    }),
    'HEADER_REFUSED',
    'Field "headers": header "X-Note" has a character beyond Latin-1 (e.g. € or an emoji) in its value, which cannot be sent unchanged; percent-encode it',
  ],
  [
    'no turn under the rate limit',
    failure({ kind: 'rate limited', perMinute: 60, request: get('/x'), timeoutSeconds: 1 }),
    'RATE_LIMITED',
    `Setting "maxRequestsPerMinute": the limit of 60 requests per minute left no turn for GET /x within the step's timeout of 1 s; it was not sent`,
  ],
  [
    'settings at fault (their problems are their own text)',
    new InputFailure('setting', [
      { key: 'clientId', problem: 'is required' },
      { key: 'apiBaseUrl', problem: 'must be an https URL' },
    ]),
    'INVALID_SETTING',
    'Setting "clientId": is required; Setting "apiBaseUrl": must be an https URL',
  ],
  [
    'a field at fault',
    new InputFailure('field', [{ key: 'path', problem: 'is not a valid URL' }]),
    'INVALID_FIELD',
    'Field "path": is not a valid URL',
  ],
]

const CASES = [...tokenCases, ...transportCases, ...apiCases]

/** Every kind of facts, so that a new kind needs a case here (the type asks for it). */
const KINDS: Readonly<Record<FailureFacts['kind'], true>> = {
  input: true,
  'token error': true,
  'token response': true,
  'token redirect': true,
  transport: true,
  discovery: true,
  'API answer': true,
  'API body invalid': true,
  'GraphQL response invalid': true,
  'GraphQL errors': true,
  'pages too large': true,
  'page outside base': true,
  'path outside base': true,
  'header refused': true,
  'rate limited': true,
}

describe('failures are worded from their facts, in run/ alone', () => {
  it.each(CASES)('%s', (_name, thrown, code, message) => {
    expect(describeFailure(thrown)).toEqual({
      code,
      category: FAILURE_CATEGORIES[code],
      message,
      expected: true,
    })
  })

  it('has a case for every kind of facts and every code but INTERNAL', () => {
    const failures = CASES.map(([, thrown]) => thrown).filter(
      (thrown): thrown is StepFailure => thrown instanceof StepFailure,
    )
    expect([...new Set(failures.map((each) => each.facts.kind))].sort()).toEqual(
      Object.keys(KINDS).sort(),
    )
    expect([...new Set(CASES.map(([, , code]) => code))].sort()).toEqual(
      FAILURE_CODES.filter((code) => code !== 'INTERNAL').sort(),
    )
  })

  it('names a setting at fault inside the named connection the step used', () => {
    const limited = failure({
      kind: 'rate limited',
      perMinute: 6,
      request: get('/x'),
      timeoutSeconds: 2,
    })
    expect(describeFailure(limited, 'east').message).toBe(
      `Setting "connections.east.maxRequestsPerMinute": the limit of 6 requests per minute left no turn for GET /x within the step's timeout of 2 s; it was not sent`,
    )
  })

  it('appends the advice of a failure, after its sentence', () => {
    const refused = failure({
      kind: 'token error',
      status: 400,
      attempts: 1,
      oauthError: 'invalid_scope',
    })
    expect(describeFailure(refused.withAdvice('Check the "Scope" setting.')).message).toBe(
      'The token endpoint refused the request (HTTP 400): error "invalid_scope". Check the "Scope" setting.',
    )
  })

  it('keeps no sentence in a failure: its message is its code and kind, for a stack trace', () => {
    const refused = failure({
      kind: 'token error',
      status: 400,
      attempts: 1,
      oauthError: 'invalid_scope',
    })
    expect(refused.message).toBe('TOKEN_REQUEST_REFUSED (token error)')
    expect(refused).not.toHaveProperty('detail')
    expect(timeoutError(url(`${API}/x?secret=1`), 5).message).toBe(`TIMEOUT at ${API}/x`)
  })
})
