/**
 * Fault injection at the API: authenticatedApiCall against a real loopback API, in one-step mode
 * (token from the loopback token endpoint) and two-step mode (token handed in). The API echoes
 * the Authorization header back wherever it can, so that every case also checks redaction.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  expectEndedWithin,
  expectError,
  expectNoSecrets,
  expectOutcome,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  CLIENT_SECRET,
  RUN_BOUND_MS,
  settingsFor,
  TOKEN_PATH,
  type SettingsValues,
} from '../support/faultFixtures'
import {
  inSequence,
  neverAnswer,
  resetConnection,
  routes,
  sendJson,
  sendText,
  startLoopbackServer,
  streamBody,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

/** A token handed in by an earlier "Fetch OAuth token" step (two-step mode). */
const GIVEN_TOKEN = 'given-Planted-Token-5c1d88e0a7'

let server: LoopbackServer
let elsewhere: LoopbackServer
let issuer: ReturnType<typeof tokenIssuer>

beforeAll(async () => {
  server = await startLoopbackServer()
  elsewhere = await startLoopbackServer((_recorded, response) => sendJson(response, 200, {}))
})
afterAll(async () => {
  await server.close()
  await elsewhere.close()
})
beforeEach(() => {
  clearCaches()
  server.reset()
  elsewhere.reset()
  issuer = tokenIssuer()
})

/** The token endpoint issues tokens; the API answers with `api`. */
const apiAnswers = (...api: Responder[]): void => {
  server.respondWith(
    routes([
      [TOKEN_PATH, issuer],
      [API_PATH, inSequence(...api)],
    ]),
  )
}

const bearerOf = (headers: IncomingHttpHeaders): string =>
  String(headers['authorization'] ?? '').replace(/^Bearer /, '')

/** An API answer that quotes the bearer token in the body and in WWW-Authenticate. */
const echoToken =
  (status: number, extraHeaders: Record<string, string> = {}): Responder =>
  (recorded, response) =>
    sendJson(
      response,
      status,
      { status, youSent: recorded.headers['authorization'] },
      {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${bearerOf(recorded.headers)} is not valid"`,
        ...extraHeaders,
      },
    )

const call = (
  fields: Record<string, unknown>,
  overrides: SettingsValues = {},
): Promise<ActionRun> =>
  runAction(
    authenticatedApiCall,
    { path: '/Patient/123', ...fields },
    settingsFor(server, overrides),
  )

const apiRequests = () => server.requestsTo(API_PATH)
const tokenRequests = () => server.requestsTo(TOKEN_PATH)

const expectCleanRun = (run: ActionRun): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, GIVEN_TOKEN, ...issuer.issued])
}

describe('fault injection: the API (authenticatedApiCall)', () => {
  it('401 twice (one-step): one renewal, then BAD_REQUEST saying so', async () => {
    apiAnswers(echoToken(401))
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /API answered HTTP 401 to GET \/api\/v1\/Patient\/123; WWW-Authenticate: .*\[REDACTED\].*token was renewed after HTTP 401 and the retry was refused too/,
      'API_CLIENT_ERROR',
    )
    expect(tokenRequests()).toHaveLength(2)
    expect(apiRequests().map((request) => bearerOf(request.headers))).toEqual(issuer.issued)
    expectCleanRun(run)
  })

  it('401 twice (two-step, token handed in): one renewal from the token endpoint', async () => {
    apiAnswers(echoToken(401))
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectError(run, 'BAD_REQUEST', /HTTP 401 .*renewed after HTTP 401/, 'API_CLIENT_ERROR')
    expect(tokenRequests()).toHaveLength(1)
    expect(apiRequests().map((request) => bearerOf(request.headers))).toEqual([
      GIVEN_TOKEN,
      issuer.issued[0],
    ])
    expectCleanRun(run)
  })

  it('401 then 200: completes with the renewed token', async () => {
    apiAnswers(echoToken(401), (_recorded, response) => sendJson(response, 200, { id: '123' }))
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectOutcome(run, 'complete')
    expect(run.dataPoints).toMatchObject({
      statusCode: '200',
      responseBody: '{"id":"123"}',
      accessToken: issuer.issued[0],
      tokenRefreshed: 'true',
    })
    expect(run.events[0]?.text.en).toMatch(/token renewed after HTTP 401/)
    expectCleanRun(run)
  })

  it('403: BAD_REQUEST, no renewal (not in renewOnStatus)', async () => {
    apiAnswers(echoToken(403))
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /API answered HTTP 403 to GET \/api\/v1\/Patient\/123/,
      'API_CLIENT_ERROR',
    )
    expect(apiRequests()).toHaveLength(1)
    expect(tokenRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('404: BAD_REQUEST quoting the body', async () => {
    apiAnswers((_recorded, response) =>
      sendJson(response, 404, { resourceType: 'OperationOutcome', issue: 'not found' }),
    )
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectError(
      run,
      'BAD_REQUEST',
      /HTTP 404 .*Body: \{"resourceType":"OperationOutcome"/,
      'API_CLIENT_ERROR',
    )
    expectCleanRun(run)
  })

  it('429 with Retry-After: 1, then 200: completes after waiting about 1 s', async () => {
    apiAnswers(
      (_recorded, response) => sendJson(response, 429, {}, { 'Retry-After': '1' }),
      echoToken(200, { 'X-Echo': 'x' }),
    )
    // The wait counts against the step's timeout: 3 s leave room for it.
    const run = await call({}, { timeoutSeconds: '3' })
    expectOutcome(run, 'complete')
    expect(run.elapsedMs).toBeGreaterThanOrEqual(950)
    expect(apiRequests()).toHaveLength(2)
    // The echoed token is scrubbed from responseBody and responseHeaders.
    expect(run.dataPoints.responseBody).toContain('[REDACTED]')
    expect(run.dataPoints.responseHeaders).toContain('[REDACTED]')
    expectCleanRun(run)
  })

  it('500: SERVER_ERROR, not retried', async () => {
    apiAnswers(echoToken(500))
    const run = await call({})
    expectError(
      run,
      'SERVER_ERROR',
      /API answered HTTP 500 to GET \/api\/v1\/Patient\/123/,
      'API_SERVER_ERROR',
    )
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('503 three times (GET): SERVER_ERROR after 3 attempts', async () => {
    apiAnswers(echoToken(503))
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectError(run, 'SERVER_ERROR', /HTTP 503 .*tried 3 times/, 'API_SERVER_ERROR')
    expect(apiRequests()).toHaveLength(3)
    expectCleanRun(run)
  })

  it('a connection reset (GET): SERVER_ERROR after 3 attempts', async () => {
    apiAnswers(resetConnection)
    const run = await call({})
    expectError(
      run,
      'SERVER_ERROR',
      /GET \/api\/v1\/Patient\/123 failed: Could not reach .* \(ECONNRESET\); tried 3 times/,
      'NETWORK',
    )
    expect(apiRequests()).toHaveLength(3)
    expectCleanRun(run)
  })

  it('no answer within the timeout: SERVER_ERROR naming the timeout', async () => {
    apiAnswers(neverAnswer)
    const run = await call({})
    expectError(
      run,
      'SERVER_ERROR',
      /failed: No complete response .* before the step's timeout of 1 s ran out/,
      'TIMEOUT',
    )
    expect(run.elapsedMs).toBeGreaterThanOrEqual(900)
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('a body over maxResponseSizeMB: SERVER_ERROR, not read', async () => {
    apiAnswers(streamBody(200_000))
    const run = await call({ accessToken: GIVEN_TOKEN }, { maxResponseSizeMB: '0.01' })
    expectError(run, 'SERVER_ERROR', /was larger than 10486 bytes and was not read/, 'TOO_LARGE')
    expectCleanRun(run)
  })

  it('invalid JSON with 200: fails (API_RESPONSE_INVALID) quoting the body, rather than complete with text', async () => {
    const text = '{"resourceType": "Patient", "id": '
    apiAnswers((_recorded, response) =>
      sendText(response, 200, text, { 'Content-Type': 'application/json' }),
    )
    const run = await call({})
    expectError(
      run,
      'SERVER_ERROR',
      /HTTP 200 .* not JSON .*Body: \{"resourceType": "Patient", "id":/,
      'API_RESPONSE_INVALID',
    )
    expectCleanRun(run)
  })

  it('a 307 to another origin: not followed, the other origin receives nothing', async () => {
    apiAnswers((recorded, response) => {
      response.writeHead(307, {
        Location: elsewhere.url(`/collect?t=${bearerOf(recorded.headers)}`),
      })
      response.end()
    })
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /HTTP 307 .*redirects to http:\/\/127\.0\.0\.1:\d+\/collect, outside the API base URL \(another origin\), so the redirect was not followed/,
      'API_REDIRECT_REFUSED',
    )
    expect(elsewhere.requests).toEqual([])
    expectCleanRun(run)
  })

  it('a 302 to the same origin but outside the base path: not followed', async () => {
    apiAnswers((_recorded, response) => {
      response.writeHead(302, { Location: '/admin/export' })
      response.end()
    })
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectError(
      run,
      'BAD_REQUEST',
      /HTTP 302 .*redirects to .*\/admin\/export, outside the API base/,
      'API_REDIRECT_REFUSED',
    )
    expect(server.requests.map((request) => request.url)).toEqual(['/api/v1/Patient/123'])
    expectCleanRun(run)
  })

  it('a 308 under the base path: followed, completes', async () => {
    apiAnswers(
      (_recorded, response) => {
        response.writeHead(308, { Location: '/api/v1/Patient/123/_history/2' })
        response.end()
      },
      (_recorded, response) => sendJson(response, 200, { id: '123', version: 2 }),
    )
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectOutcome(run, 'complete')
    expect(apiRequests().map((request) => bearerOf(request.headers))).toEqual([
      GIVEN_TOKEN,
      GIVEN_TOKEN,
    ])
    expectCleanRun(run)
  })

  it('POST answered 503: not retried (exactly 1 request), the error says why', async () => {
    apiAnswers(echoToken(503))
    const run = await call({ method: 'POST', path: '/Observation', body: '{"status":"final"}' })
    expectError(
      run,
      'SERVER_ERROR',
      /HTTP 503 to POST \/api\/v1\/Observation; .*POST is not repeated, so that no record is created twice/,
      'API_SERVER_ERROR',
    )
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('POST with a connection reset: not retried (exactly 1 request)', async () => {
    apiAnswers(resetConnection)
    const run = await call({ method: 'POST', path: '/Observation', body: { status: 'final' } })
    expectError(run, 'SERVER_ERROR', /\(ECONNRESET\); POST is not repeated/, 'NETWORK')
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('PATCH answered 429: not retried either', async () => {
    apiAnswers((_recorded, response) => sendJson(response, 429, {}, { 'Retry-After': '1' }))
    const run = await call({ method: 'PATCH', body: [] })
    expectError(run, 'BAD_REQUEST', /HTTP 429 to PATCH .*PATCH is not repeated/, 'API_CLIENT_ERROR')
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it('POST with an idempotencyKey: a connection reset, then 201: completes after 2 requests with the same key', async () => {
    apiAnswers(resetConnection, (_recorded, response) => sendJson(response, 201, { id: 'o1' }))
    const run = await call({
      method: 'POST',
      path: '/Observation',
      body: { status: 'final' },
      idempotencyKey: 'activity-7f2c',
    })
    expectOutcome(run, 'complete')
    expect(run.dataPoints.statusCode).toBe('201')
    expect(apiRequests().map((request) => request.headers['idempotency-key'])).toEqual([
      'activity-7f2c',
      'activity-7f2c',
    ])
    expectCleanRun(run)
  })

  it('PATCH with an idempotencyKey answered 503 three times: tried 3 times', async () => {
    apiAnswers(echoToken(503))
    const run = await call({ method: 'PATCH', body: [], idempotencyKey: 'k-1' })
    expectError(run, 'SERVER_ERROR', /HTTP 503 to PATCH .*tried 3 times/, 'API_SERVER_ERROR')
    expect(apiRequests()).toHaveLength(3)
    expectCleanRun(run)
  })

  it('paging: a next link to another origin fails the step; the other origin receives nothing', async () => {
    apiAnswers((_recorded, response) =>
      sendJson(response, 200, [1], {
        Link: `<${elsewhere.url(API_PATH)}/Patient?page=2>; rel="next"`,
      }),
    )
    const run = await call({ accessToken: GIVEN_TOKEN, path: '/Patient', maxPages: 3 })
    expectError(
      run,
      'BAD_REQUEST',
      /^The API's link to page 2 \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\/Patient\) is outside the API base URL .*; it was not followed/,
      'PAGE_OUTSIDE_BASE',
    )
    expect(run.code).toBe('PAGE_OUTSIDE_BASE')
    expect(apiRequests()).toHaveLength(1)
    expect(elsewhere.requests).toEqual([])
    expectCleanRun(run)
  })

  it('paging: page 2 answers 500: the step fails (no half result)', async () => {
    apiAnswers(
      (_recorded, response) =>
        sendJson(response, 200, [1], { Link: '</api/v1/Patient?page=2>; rel="next"' }),
      echoToken(500),
    )
    const run = await call({ accessToken: GIVEN_TOKEN, path: '/Patient', maxPages: 3 })
    expectError(
      run,
      'SERVER_ERROR',
      /^The API answered HTTP 500 to GET \/api\/v1\/Patient \(page 2\)/,
      'API_SERVER_ERROR',
    )
    expect(apiRequests()).toHaveLength(2)
    expectCleanRun(run)
  })

  it('maxRequestsPerMinute 1: a second run within the minute fails at once, unsent', async () => {
    apiAnswers((_recorded, response) => sendJson(response, 200, {}))
    const first = await call({}, { maxRequestsPerMinute: '1' })
    const second = await call({}, { maxRequestsPerMinute: '1' })
    expectOutcome(first, 'complete')
    expectError(
      second,
      'SERVER_ERROR',
      /^Setting "maxRequestsPerMinute": the limit of 1 requests per minute left no turn for GET \/api\/v1\/Patient\/123 within the step's timeout of 1 s; it was not sent$/,
      'RATE_LIMITED',
    )
    expect(second.code).toBe('RATE_LIMITED')
    expect(apiRequests()).toHaveLength(1)
    expect(tokenRequests()).toHaveLength(1)
    expectCleanRun(second)
  })

  it('a PDF, and bytes that are not UTF-8: completes with the bytes unchanged, as base64', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3])])
    const garbage = Buffer.from([0xc3, 0x28, 0xa0, 0xa1])
    apiAnswers(
      (_recorded, response) => {
        response.writeHead(200, { 'Content-Type': 'application/pdf' })
        response.end(pdf)
      },
      (_recorded, response) => {
        response.writeHead(200)
        response.end(garbage)
      },
    )
    const first = await call({ accessToken: GIVEN_TOKEN })
    const second = await call({ accessToken: GIVEN_TOKEN })
    expect(JSON.parse(first.dataPoints.responseBody as string)).toEqual({
      contentType: 'application/pdf',
      base64: pdf.toString('base64'),
    })
    expect(JSON.parse(second.dataPoints.responseBody as string)).toEqual({
      contentType: 'application/octet-stream',
      base64: garbage.toString('base64'),
    })
    expectCleanRun(first)
    expectCleanRun(second)
  })

  it('4xx with a FHIR OperationOutcome: the event quotes its issues, not the narrative', async () => {
    apiAnswers((recorded, response) =>
      sendJson(response, 400, {
        resourceType: 'OperationOutcome',
        text: { status: 'generated', div: `<div>${'<p>narrative</p>'.repeat(100)}</div>` },
        issue: [
          {
            severity: 'error',
            code: 'invalid',
            diagnostics: `bad token ${bearerOf(recorded.headers)}`,
          },
        ],
      }),
    )
    const run = await call({ accessToken: GIVEN_TOKEN })
    expectError(
      run,
      'BAD_REQUEST',
      /^The API answered HTTP 400 to GET \/api\/v1\/Patient\/123\. Body: OperationOutcome: error invalid: bad token \[REDACTED\]$/,
      'API_CLIENT_ERROR',
    )
    expectCleanRun(run)
  })

  it('failOnHttpError off: a 500 completes with the status for the care flow to branch on', async () => {
    apiAnswers(echoToken(500))
    const run = await call({ failOnHttpError: false })
    expectOutcome(run, 'complete')
    expect(run.dataPoints.statusCode).toBe('500')
    expect(run.dataPoints.responseBody).toContain('[REDACTED]')
    expectCleanRun(run)
  })
})

describe('fault injection: input refused before anything is sent', () => {
  it('a path outside the base: WRONG_INPUT, nothing sent', async () => {
    apiAnswers(echoToken(200))
    const run = await call({ path: '//127.0.0.1/steal' })
    expectError(
      run,
      'WRONG_INPUT',
      /^Field "path": refused, a protocol-relative URL/,
      'PATH_OUTSIDE_BASE',
    )
    expect(server.requests).toEqual([])
    expectCleanRun(run)
  })

  it('a missing client secret: MISSING_SETTINGS, nothing sent', async () => {
    apiAnswers(echoToken(200))
    const run = await call({}, { clientSecret: '' })
    expectError(run, 'MISSING_SETTINGS', /^Setting "clientSecret": is required/, 'INVALID_SETTING')
    expect(server.requests).toEqual([])
    expectCleanRun(run)
  })
})
