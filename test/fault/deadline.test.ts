/**
 * One deadline per step: servers that answer every single request just inside the timeout —
 * with a retry, a redirect, a 401 that forces a renewal, a slow discovery — cannot stretch a step
 * beyond timeoutSeconds. Each run ends within the timeout plus 2 s, with code TIMEOUT and an
 * event that says the step ran out of time.
 */
import type { ServerResponse } from 'node:http'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectNoSecrets,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  CLIENT_SECRET,
  delayed,
  settingsFor,
  TIMEOUT_SECONDS,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import {
  inSequence,
  routes,
  sendJson,
  sendText,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

/** The promise of the README: the timeout, plus a small margin. */
const STEP_BOUND_MS = TIMEOUT_SECONDS * 1000 + 2000
/** Each answer comes this long after its request: alone, well inside the 1 s timeout. */
const JUST_INSIDE_MS = 400

let server: LoopbackServer
let issuer: ReturnType<typeof tokenIssuer>

useFaultServer((started) => {
  server = started
})
beforeEach(() => {
  issuer = tokenIssuer()
})

const unavailable: Responder = (_recorded, response) =>
  sendText(response, 503, 'busy', { 'Retry-After': '0' })
const redirectTo =
  (location: string): Responder =>
  (_recorded, response: ServerResponse) => {
    response.writeHead(307, { Location: location })
    response.end()
  }
const unauthorized: Responder = (_recorded, response) =>
  sendJson(response, 401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })
const ok: Responder = (_recorded, response) => sendJson(response, 200, { ok: true })

/** Ran out of time: TIMEOUT, SERVER_ERROR, saying so, within the bound, and no secret emitted. */
const expectRanOutOfTime = (run: ActionRun): void => {
  expectError(run, 'SERVER_ERROR', /the step's timeout of 1 s ran out/, 'TIMEOUT')
  expect(run.code).toBe('TIMEOUT')
  expect(run.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 100)
  expect(run.elapsedMs).toBeLessThanOrEqual(STEP_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, ...issuer.issued])
}

describe('fault injection: one deadline for the whole step', () => {
  it('API: 503 + Retry-After 0, 307 under the base, 401 + renewal, each just inside the timeout', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, delayed(JUST_INSIDE_MS / 2, issuer)],
        [
          API_PATH,
          delayed(
            JUST_INSIDE_MS,
            inSequence(unavailable, redirectTo(`${API_PATH}/Patient/2`), unauthorized, ok),
          ),
        ],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectRanOutOfTime(run)
    // Without the shared deadline the step would have reached the 200 after about 2 s.
    expect(server.requests.length).toBeLessThan(6)
  })

  it('API: 503 with Retry-After 0 every time (GET): the retries share the deadline', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, issuer],
        [API_PATH, delayed(JUST_INSIDE_MS, unavailable)],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectRanOutOfTime(run)
    expect(server.requestsTo(API_PATH).length).toBeLessThanOrEqual(3)
  })

  it('API: a chain of 307s under the base, each just inside the timeout', async () => {
    let hop = 0
    server.respondWith(
      routes([
        [TOKEN_PATH, issuer],
        [
          API_PATH,
          delayed(JUST_INSIDE_MS, (...args) => redirectTo(`${API_PATH}/hop/${++hop}`)(...args)),
        ],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectRanOutOfTime(run)
  })

  it('API 401, then a renewal at a token endpoint that answers just inside the timeout', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, inSequence(issuer, delayed(JUST_INSIDE_MS * 2, issuer))],
        [API_PATH, delayed(JUST_INSIDE_MS, unauthorized)],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settingsFor(server))
    expectRanOutOfTime(run)
    expect(run.message).toMatch(/^The token request failed/)
    expect(server.requestsTo(API_PATH)).toHaveLength(1)
  })

  it('token endpoint: slow 503s with Retry-After 0, retried until the deadline', async () => {
    server.respondWith(delayed(JUST_INSIDE_MS, unavailable))
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectRanOutOfTime(run)
    expect(run.message).toMatch(/^The token request failed/)
    expect(server.requestsTo(TOKEN_PATH).length).toBeLessThanOrEqual(3)
  })

  it('token endpoint: a slow same-origin redirect, then a slow retry', async () => {
    server.respondWith(
      delayed(JUST_INSIDE_MS, inSequence(redirectTo('/oauth/token2'), unavailable, issuer)),
    )
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectRanOutOfTime(run)
  })

  it('discovery: three slow candidates, each just inside the timeout', async () => {
    server.respondWith(
      delayed(JUST_INSIDE_MS, (_recorded, response) => sendJson(response, 404, {})),
    )
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { tokenUrl: undefined, issuerUrl: server.url('/tenant') }),
    )
    expectRanOutOfTime(run)
    expect(run.message).toMatch(/^Discovery of the token endpoint failed/)
    expect(server.requests.length).toBeLessThanOrEqual(3)
    expect(server.requestsTo(TOKEN_PATH)).toEqual([])
  })

  it('one-step call: slow discovery, then a slow token endpoint: the API receives nothing', async () => {
    server.respondWith(
      routes([
        [
          '/tenant/.well-known/openid-configuration',
          delayed(JUST_INSIDE_MS, (_recorded, response) =>
            sendJson(response, 200, {
              issuer: server.url('/tenant'),
              token_endpoint: server.url(TOKEN_PATH),
            }),
          ),
        ],
        [TOKEN_PATH, delayed(JUST_INSIDE_MS * 2, issuer)],
        [API_PATH, ok],
      ]),
    )
    const run = await runAction(
      authenticatedApiCall,
      { path: '/Patient/1' },
      settingsFor(server, { tokenUrl: undefined, issuerUrl: server.url('/tenant') }),
    )
    expectRanOutOfTime(run)
    expect(server.requestsTo(API_PATH)).toEqual([])
  })
})
