/**
 * Answers that are not what they say: a body cut short or framed two ways is reported as a
 * malformed or cut-short answer (not "Could not reach"); a token endpoint answering 200 with an
 * OAuth error is that error; a 2xx declared JSON that does not parse fails the step, quoting its
 * first bytes scrubbed.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectNoSecrets,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  routes,
  sendJson,
  sendText,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import {
  API_PATH,
  CLIENT_SECRET,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

let server: LoopbackServer
useFaultServer((started) => {
  server = started
})

const api = (answer: Responder): void =>
  server.respondWith(
    routes([
      [TOKEN_PATH, tokenIssuer()],
      [API_PATH, answer],
    ]),
  )

/** A GET is tried again after a lost connection: time enough for the three attempts. */
const call = (): Promise<ActionRun> =>
  runAction(authenticatedApiCall, { path: '/Thing' }, settingsFor(server, { timeoutSeconds: '10' }))

/** Writes an answer straight to the socket, framing and all, and closes it. */
const raw =
  (text: string): Responder =>
  (_recorded, _response, request) => {
    request.socket.end(text)
  }

describe('framing', () => {
  it('a body cut short is an answer cut short, not a server out of reach', async () => {
    api(
      raw('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":1'),
    )
    const run = await call()
    expectError(run, 'SERVER_ERROR', /answer from .* was malformed or cut short/, 'NETWORK')
    expect(run.message).not.toMatch(/Could not reach/)
  })

  it.each([
    ['Content-Length and Transfer-Encoding', 'Content-Length: 5\r\nTransfer-Encoding: chunked'],
    ['two Content-Lengths', 'Content-Length: 5\r\nContent-Length: 6'],
  ])('%s: a malformed answer', async (_name, framing) => {
    api(raw(`HTTP/1.1 200 OK\r\n${framing}\r\n\r\n5\r\nhello\r\n0\r\n\r\n`))
    const run = await call()
    expectError(run, 'SERVER_ERROR', /answer from .* was malformed or cut short/, 'NETWORK')
  })
})

describe('a token endpoint answering 200 with an OAuth error', () => {
  it('is reported as that error, quoting error and error_description', async () => {
    server.respondWith(
      routes([
        [
          TOKEN_PATH,
          (_recorded, response) =>
            sendJson(response, 200, {
              error: 'invalid_client',
              error_description: `client secret ${CLIENT_SECRET} is not valid`,
            }),
        ],
      ]),
    )
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(
      run,
      'BAD_REQUEST',
      /refused the request \(HTTP 200\): error "invalid_client", error_description "client secret \[REDACTED\] is not valid"/,
      'TOKEN_REQUEST_REFUSED',
    )
    expectNoSecrets(run, [CLIENT_SECRET])
  })
})

describe('a 2xx declared JSON that does not parse', () => {
  it.each(['application/json', 'application/fhir+json; charset=utf-8'])(
    '%s: fails the step quoting the first bytes, scrubbed',
    async (type) => {
      api((_recorded, response) =>
        sendText(response, 200, `<html>Gateway says ${CLIENT_SECRET}</html>`, {
          'Content-Type': type,
        }),
      )
      const run = await call()
      expectError(
        run,
        'SERVER_ERROR',
        /HTTP 200 to GET \/api\/v1\/Thing with a body declared .* that is not JSON .*Body: <html>Gateway says \[REDACTED\]<\/html>/,
        'API_RESPONSE_INVALID',
      )
      expectNoSecrets(run, [CLIENT_SECRET])
    },
  )

  it('text declared as text still completes as text', async () => {
    api((_recorded, response) => sendText(response, 200, 'plain words'))
    const run = await call()
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.responseBody).toBe('"plain words"')
  })
})
