/**
 * A renewal that renews nothing: the API refuses the token (401, or a status in *Renew token on
 * status*), and the token endpoint answers the renewal with the very token that was refused.
 * The identical call is not sent again: the step fails, saying so, after at most one more token
 * request.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import {
  expectEndedWithin,
  expectError,
  expectNoSecrets,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  CLIENT_SECRET,
  RUN_BOUND_MS,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import { routes, sendJson, type LoopbackServer, type Responder } from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

/** The only token this token endpoint ever issues. */
const SAME_TOKEN = 'same-Planted-Token-4be0c9a1d2'

let server: LoopbackServer

useFaultServer((started) => {
  server = started
})

const sameTokenAlways: Responder = (_recorded, response) =>
  sendJson(response, 200, { access_token: SAME_TOKEN, token_type: 'Bearer', expires_in: 3600 })

const refusing =
  (status: number): Responder =>
  (_recorded, response) =>
    sendJson(response, status, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' })

const serve = (api: Responder): void =>
  server.respondWith(
    routes([
      [TOKEN_PATH, sameTokenAlways],
      [API_PATH, api],
    ]),
  )

const tokenRequests = (): number => server.requestsTo(TOKEN_PATH).length
const apiRequests = (): number => server.requestsTo(API_PATH).length

const expectNotRenewed = (run: ActionRun, status: number): void => {
  expectError(
    run,
    'BAD_REQUEST',
    new RegExp(
      `^The API answered HTTP ${status} to GET /api/v1/x; WWW-Authenticate: Bearer error="invalid_token"; the token endpoint returned the refused token again when asked for a new one, so the request was not repeated`,
    ),
    'TOKEN_NOT_RENEWED',
  )
  expect(run.code).toBe('TOKEN_NOT_RENEWED')
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, SAME_TOKEN])
}

describe('fault injection: a renewal that returns the refused token', () => {
  it('one-step, 401: one renewal request, no second API call', async () => {
    serve(refusing(401))
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectNotRenewed(run, 401)
    // The first token, and one renewal request (fresh, so not asked a third time).
    expect([tokenRequests(), apiRequests()]).toEqual([2, 1])
  })

  it('two-step, 401: the token handed in comes back from one renewal request', async () => {
    serve(refusing(401))
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x', accessToken: SAME_TOKEN },
      settingsFor(server),
    )
    expectNotRenewed(run, 401)
    expect([tokenRequests(), apiRequests()]).toEqual([1, 1])
  })

  it('a status in renewOnStatus (403), with failOnHttpError off: fails all the same', async () => {
    serve(refusing(403))
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x', renewOnStatus: '401, 403', failOnHttpError: false },
      settingsFor(server),
    )
    expectNotRenewed(run, 403)
    expect([tokenRequests(), apiRequests()]).toEqual([2, 1])
  })

  it('POST, 401: the POST is sent once', async () => {
    serve(refusing(401))
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x', method: 'POST', body: { a: 1 } },
      settingsFor(server),
    )
    expectError(
      run,
      'BAD_REQUEST',
      /to POST \/api\/v1\/x; .*returned the refused token again/,
      'TOKEN_NOT_RENEWED',
    )
    expect([tokenRequests(), apiRequests()]).toEqual([2, 1])
  })
})
