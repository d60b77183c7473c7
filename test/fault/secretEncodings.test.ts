/**
 * Secret hygiene against servers that echo credentials back in another encoding than the one
 * they received: PHP's JSON with "\/" and \uXXXX, .NET's lower-case "%2f", form encoding,
 * every character as \u00XX, base64 and base64url. Into token error bodies, API error bodies,
 * response bodies and headers kept as data points. None of it may leave the run.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectNoSecrets,
  expectOutcome,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  formParam,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import {
  routes,
  sendJson,
  sendText,
  type LoopbackServer,
  type RecordedRequest,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'
import { rsaPrivateKeyPem } from '../../servers/rsaKeys'

trackUnhandledRejections()

/** A secret whose encodings all differ: "/", "+", a space, "~", non-ASCII. */
const SECRET = 'cs/Planted+Secret w\u00efth~7f3a\u20ac'
/** A Bearer token (b64token) with "/", "+", "~" and padding. */
const TOKEN = 'tok/Planted+Bearer.value~9f2c1e=='
const PRIVATE_KEY = rsaPrivateKeyPem()
const PRIVATE_KEY_LINE = PRIVATE_KEY.split('\n')[3] ?? 'missing'

const lowerHex = (text: string): string =>
  text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())

/** How servers re-encode what they echo. */
const ENCODINGS: Array<[name: string, encode: (value: string) => string]> = [
  [
    'PHP json_encode (\\/ and \\uxxxx)',
    (value) =>
      JSON.stringify(value)
        .slice(1, -1)
        .replace(/\//g, '\\/')
        .replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  ],
  [
    'every character as \\u00XX',
    (value) =>
      Array.from(
        { length: value.length },
        (_unused, i) => `\\u${value.charCodeAt(i).toString(16).padStart(4, '0').toUpperCase()}`,
      ).join(''),
  ],
  ['.NET lower-case percent-encoding', (value) => lowerHex(encodeURIComponent(value))],
  [
    'form encoding, lower-case hex',
    (value) => lowerHex(new URLSearchParams({ v: value }).toString().slice(2)),
  ],
  ['base64url', (value) => Buffer.from(value).toString('base64url')],
  ['base64 without padding', (value) => Buffer.from(value).toString('base64').replace(/=+$/, '')],
]

let server: LoopbackServer

useFaultServer((started) => {
  server = started
})

/** The credentials a request carried: the Authorization value and the form's secrets. */
const credentialsIn = (recorded: RecordedRequest): string[] =>
  [
    String(recorded.headers['authorization'] ?? '').replace(/^(Basic|Bearer) /, ''),
    formParam(recorded.body, 'client_secret'),
    formParam(recorded.body, 'client_assertion'),
  ].filter((value): value is string => value !== undefined && value !== '')

/** A token endpoint that refuses, quoting the credentials re-encoded in a body with no "error". */
const tokenEndpointEchoing =
  (encode: (value: string) => string, extra: string[] = []): Responder =>
  (recorded, response) =>
    sendText(
      response,
      401,
      `{"message":"unknown client","got":"${[...credentialsIn(recorded), ...extra].map(encode).join(' ')}"}`,
      { 'Content-Type': 'application/json' },
    )

describe.each(ENCODINGS)('secret hygiene: a server echoing in %s', (_name, encode) => {
  it('client_secret_post: the token error body is quoted with the secret redacted', async () => {
    server.respondWith(tokenEndpointEchoing(encode))
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { clientAuthMethod: 'client_secret_post', clientSecret: SECRET }),
    )
    expectError(run, 'BAD_REQUEST', /HTTP 401\): .*"got":"\[REDACTED\]"/, 'TOKEN_REQUEST_REFUSED')
    expect(formParam(server.requests[0]?.body ?? '', 'client_secret')).toBe(SECRET)
    expectNoSecrets(run, [SECRET])
  })

  it('client_secret_basic: the Basic value and the secret are redacted', async () => {
    server.respondWith(tokenEndpointEchoing(encode, [SECRET]))
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server, { clientSecret: SECRET }))
    expectError(run, 'BAD_REQUEST', /"got":"\[REDACTED\] \[REDACTED\]"/, 'TOKEN_REQUEST_REFUSED')
    const basic = credentialsIn(server.requests[0])[0] ?? 'missing'
    expectNoSecrets(run, [SECRET, basic])
  })

  it('private_key_jwt: the client assertion and a line of the key are redacted', async () => {
    server.respondWith(tokenEndpointEchoing(encode, [PRIVATE_KEY_LINE]))
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, {
        clientSecret: undefined,
        clientAuthMethod: 'private_key_jwt',
        privateKey: PRIVATE_KEY.trim().replace(/\n/g, '\\n'),
      }),
    )
    expectError(run, 'BAD_REQUEST', /"got":"\[REDACTED\] \[REDACTED\]"/, 'TOKEN_REQUEST_REFUSED')
    const assertion = formParam(server.requests[0]?.body ?? '', 'client_assertion') ?? 'missing'
    expectNoSecrets(run, [assertion, PRIVATE_KEY, PRIVATE_KEY_LINE])
  })

  it('the API: an error body quoting the access token is redacted', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, (_r, response) => sendJson(response, 200, { access_token: TOKEN })],
        [
          API_PATH,
          (recorded, response) =>
            sendText(response, 500, `token ${credentialsIn(recorded).map(encode).join(' ')} bad`),
        ],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectError(run, 'SERVER_ERROR', /HTTP 500 .*Body: token \[REDACTED\] bad/, 'API_SERVER_ERROR')
    expectNoSecrets(run, [TOKEN, SECRET])
  })

  it('the API: a body and a header kept as data points, quoting the token, are redacted', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, (_r, response) => sendJson(response, 200, { access_token: TOKEN })],
        [
          API_PATH,
          (recorded, response) => {
            const echoed = credentialsIn(recorded).map(encode).join(' ')
            sendText(response, 200, `{"seen":"${echoed}"}`, {
              'Content-Type': 'application/json',
              'X-Debug-Token': echoed,
            })
          },
        ],
      ]),
    )
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/x' },
      settingsFor(server),
    )
    expectOutcome(run, 'complete')
    expect(run.dataPoints.responseHeaders).toContain('"x-debug-token":"[REDACTED]"')
    expect(run.dataPoints.responseBody).toBe('{"seen":"[REDACTED]"}')
    expectNoSecrets(run, [TOKEN])
  })
})
