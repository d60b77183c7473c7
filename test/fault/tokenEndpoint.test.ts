/**
 * Fault injection at the token endpoint: a real loopback server that fails in every way a token
 * endpoint can. Each run must end in exactly one onComplete/onError with a clear message and the
 * right category, within the timeout plus a margin, with no secret in what the care flow sees.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
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
} from '../support/faultFixtures'
import {
  inSequence,
  neverAnswer,
  resetConnection,
  sendJson,
  sendText,
  startLoopbackServer,
  tokenIssuer,
  type LoopbackServer,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

let server: LoopbackServer
/** Another origin (the same loopback host, another port): must never receive anything. */
let elsewhere: LoopbackServer

beforeAll(async () => {
  server = await startLoopbackServer()
  elsewhere = await startLoopbackServer(tokenIssuer('elsewhere'))
})
afterAll(async () => {
  await server.close()
  await elsewhere.close()
})
beforeEach(() => {
  clearCaches()
  server.reset()
  elsewhere.reset()
})

const fetchToken = (settings = settingsFor(server)): Promise<ActionRun> =>
  runAction(fetchOAuthToken, {}, settings)

/** The checks every case shares: on time, and no planted secret or issued token anywhere. */
const expectCleanRun = (run: ActionRun, issued: string[] = []): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, ...issued])
}

const tokenRequests = (): number => server.requestsTo(TOKEN_PATH).length

describe('fault injection: the token endpoint', () => {
  it('500: SERVER_ERROR quoting the status, not retried', async () => {
    server.respondWith((_recorded, response) =>
      sendJson(response, 500, { error: 'server_error', error_description: 'database down' }),
    )
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /token endpoint .*HTTP 500.*server_error.*database down/,
      'TOKEN_ENDPOINT_FAILED',
    )
    expect(tokenRequests()).toBe(1)
    expectCleanRun(run)
  })

  it('503 then 200: completes after one retry (2 requests)', async () => {
    const issuer = tokenIssuer()
    server.respondWith(inSequence((_recorded, response) => sendText(response, 503, 'busy'), issuer))
    const run = await fetchToken()
    expectOutcome(run, 'complete')
    expect(run.dataPoints.accessToken).toBe(issuer.issued[0])
    expect(run.dataPoints.tokenType).toBe('Bearer')
    expect(run.events[0]?.text.en).toMatch(/Fetched a new OAuth token: valid for 3600 s/)
    expect(tokenRequests()).toBe(2)
    expectCleanRun(run, issuer.issued)
  })

  it('no answer within the timeout: SERVER_ERROR naming the timeout', async () => {
    server.respondWith(neverAnswer)
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /token request failed: No complete response .* before the step's timeout of 1 s ran out/,
      'TIMEOUT',
    )
    expect(run.elapsedMs).toBeGreaterThanOrEqual(900)
    expect(tokenRequests()).toBe(1)
    expectCleanRun(run)
  })

  it('HTML with 200: SERVER_ERROR, not a JSON object', async () => {
    server.respondWith((_recorded, response) =>
      sendText(response, 200, '<html><body>Login</body></html>', { 'Content-Type': 'text/html' }),
    )
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /HTTP 200 with a body that is not a JSON object/,
      'TOKEN_RESPONSE_INVALID',
    )
    expectCleanRun(run)
  })

  it('an empty 200 body: SERVER_ERROR, an empty body', async () => {
    server.respondWith((_recorded, response) => sendText(response, 200, ''))
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /HTTP 200 with an empty body; expected an access_token/,
      'TOKEN_RESPONSE_INVALID',
    )
    expectCleanRun(run)
  })

  it('invalid JSON with 200: SERVER_ERROR, not a JSON object', async () => {
    server.respondWith((_recorded, response) =>
      sendText(response, 200, '{"access_token":"tok_cut', { 'Content-Type': 'application/json' }),
    )
    const run = await fetchToken()
    expectError(run, 'SERVER_ERROR', /not a JSON object/, 'TOKEN_RESPONSE_INVALID')
    expectCleanRun(run)
  })

  it('a 200 JSON object without access_token: SERVER_ERROR', async () => {
    server.respondWith((_recorded, response) => sendJson(response, 200, { token_type: 'Bearer' }))
    const run = await fetchToken()
    expectError(run, 'SERVER_ERROR', /no usable "access_token"/, 'TOKEN_RESPONSE_INVALID')
    expectCleanRun(run)
  })

  it('a token type other than Bearer: SERVER_ERROR', async () => {
    server.respondWith((_recorded, response) =>
      sendJson(response, 200, { access_token: 'tok_mac_123456', token_type: 'MAC' }),
    )
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /token of type "MAC"; only Bearer tokens/,
      'TOKEN_TYPE_UNSUPPORTED',
    )
    expectCleanRun(run, ['tok_mac_123456'])
  })

  it('a connection reset: SERVER_ERROR after 3 attempts', async () => {
    server.respondWith(resetConnection)
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      /Could not reach http:\/\/127\.0\.0\.1:\d+\/oauth\/token \(ECONNRESET\); tried 3 times/,
      'NETWORK',
    )
    expect(tokenRequests()).toBe(3)
    expectCleanRun(run)
  })

  it('connection refused (nothing listens): SERVER_ERROR', async () => {
    const closed = await startLoopbackServer()
    const tokenUrl = closed.url(TOKEN_PATH)
    await closed.close()
    const run = await fetchToken(settingsFor(server, { tokenUrl }))
    expectError(run, 'SERVER_ERROR', /\(ECONNREFUSED\); tried 3 times/, 'NETWORK')
    expectCleanRun(run)
  })

  it('a 307 to another origin: not followed, the other origin receives nothing', async () => {
    server.respondWith((_recorded, response) => {
      response.writeHead(307, { Location: elsewhere.url('/steal-token') })
      response.end()
    })
    const run = await fetchToken()
    expectError(
      run,
      'SERVER_ERROR',
      new RegExp(`redirected to ${escape(elsewhere.origin)}, another origin; .*not followed`),
      'TOKEN_REDIRECT_REFUSED',
    )
    expect(tokenRequests()).toBe(1)
    expect(elsewhere.requests).toEqual([])
    expectCleanRun(run)
  })

  it('a 307 on the same origin: followed (2 requests), completes', async () => {
    const issuer = tokenIssuer()
    server.respondWith(
      inSequence((_recorded, response) => {
        response.writeHead(307, { Location: '/oauth/token2' })
        response.end()
      }, issuer),
    )
    const run = await fetchToken()
    expectOutcome(run, 'complete')
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /oauth/token',
      'POST /oauth/token2',
    ])
    expectCleanRun(run, issuer.issued)
  })

  it('an OAuth error that echoes the client secret: BAD_REQUEST, secret redacted', async () => {
    server.respondWith((_recorded, response) =>
      sendJson(response, 401, {
        error: 'invalid_client',
        error_description: `client secret "${CLIENT_SECRET}" does not match`,
      }),
    )
    const run = await fetchToken()
    expectError(
      run,
      'BAD_REQUEST',
      /refused the request \(HTTP 401\): error "invalid_client", error_description "client secret "\[REDACTED\]" does not match"/,
      'TOKEN_REQUEST_REFUSED',
    )
    expectCleanRun(run)
  })

  it('400 invalid_scope: BAD_REQUEST, not retried', async () => {
    server.respondWith((_recorded, response) => sendJson(response, 400, { error: 'invalid_scope' }))
    const run = await fetchToken(settingsFor(server, { scope: 'system/Everything.*' }))
    expectError(run, 'BAD_REQUEST', /HTTP 400\): error "invalid_scope"/, 'TOKEN_REQUEST_REFUSED')
    expect(tokenRequests()).toBe(1)
    expectCleanRun(run)
  })

  it('429 with a Retry-After longer than the timeout: not waited for, ends at once', async () => {
    server.respondWith((_recorded, response) =>
      sendJson(response, 429, { error: 'slow_down' }, { 'Retry-After': '120' }),
    )
    const run = await fetchToken()
    expectError(
      run,
      'BAD_REQUEST',
      /HTTP 429.*retry after 120 s, longer than the extension waits/,
      'TOKEN_REQUEST_REFUSED',
    )
    expect(run.elapsedMs).toBeLessThan(900)
    expect(tokenRequests()).toBe(1)
    expectCleanRun(run)
  })
})

describe('fault injection: the token endpoint, seen from authenticatedApiCall (one-step)', () => {
  it('500 at the token endpoint: SERVER_ERROR, the API receives nothing', async () => {
    server.respondWith((_recorded, response) => sendText(response, 500, 'oops'))
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectError(
      run,
      'SERVER_ERROR',
      /token endpoint failed \(HTTP 500\): oops/,
      'TOKEN_ENDPOINT_FAILED',
    )
    expect(server.requestsTo(API_PATH)).toEqual([])
    expectCleanRun(run)
  })

  it('no answer at the token endpoint: SERVER_ERROR within the timeout', async () => {
    server.respondWith(neverAnswer)
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectError(
      run,
      'SERVER_ERROR',
      /token request failed: .*the step's timeout of 1 s ran out/,
      'TIMEOUT',
    )
    expect(server.requestsTo(API_PATH)).toEqual([])
    expectCleanRun(run)
  })
})

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
