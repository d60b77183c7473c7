/**
 * Secret hygiene under hostile servers: endpoints that echo back whatever credential they were
 * sent (the client assertion, the Basic header, the form body, the bearer token), in every place
 * the extension quotes a server's words. None of it may reach an event, a data point other than
 * accessToken, or a log line.
 */
import { generateKeyPairSync } from 'node:crypto'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import { MAX_BODY_EXCERPT } from '../../extensions/oauthApi/lib/api/apiResponse'
import {
  expectEndedWithin,
  expectError,
  expectNoSecrets,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  CLIENT_ID,
  CLIENT_SECRET,
  formParam,
  RUN_BOUND_MS,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import {
  routes,
  sendJson,
  sendText,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'
import { rsaPrivateKeyPem } from '../../servers/rsaKeys'

trackUnhandledRejections()

const PRIVATE_KEY = rsaPrivateKeyPem()
/** As a single-line setting holds it: literal "\n" for the line breaks. */
const PRIVATE_KEY_SETTING = PRIVATE_KEY.trim().replace(/\n/g, '\\n')

let server: LoopbackServer

useFaultServer((started) => {
  server = started
})

const jwtSettings = () =>
  settingsFor(server, {
    clientSecret: undefined,
    clientAuthMethod: 'private_key_jwt',
    privateKey: PRIVATE_KEY_SETTING,
    privateKeyId: 'kid-1',
  })

/** A token endpoint that refuses and quotes the whole request body in error_description. */
const echoBodyInErrorDescription: Responder = (recorded, response) =>
  sendJson(response, 400, { error: 'invalid_client', error_description: recorded.body })

/** A token endpoint that refuses with a text body quoting the Authorization header and body. */
const echoEverythingAsText: Responder = (recorded, response) =>
  sendText(
    response,
    401,
    `denied; authorization=${recorded.headers['authorization'] ?? ''}; body=${recorded.body}`,
  )

const expectClean = (run: ActionRun, secrets: string[]): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, secrets)
}

describe('secret hygiene: private_key_jwt', () => {
  it('an error_description echoing the request body: the client assertion is redacted', async () => {
    server.respondWith(echoBodyInErrorDescription)
    const run = await runAction(fetchOAuthToken, {}, jwtSettings())
    expectError(
      run,
      'BAD_REQUEST',
      /error "invalid_client", error_description ".*\[REDACTED\]/,
      'TOKEN_REQUEST_REFUSED',
    )
    const assertion = formParam(server.requests[0]?.body ?? '', 'client_assertion')
    expect(assertion).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    expectClean(run, [assertion ?? 'missing', PRIVATE_KEY, PRIVATE_KEY_SETTING])
  })

  it('a text error body echoing the request body: the assertion is redacted there too', async () => {
    server.respondWith(echoEverythingAsText)
    const run = await runAction(fetchOAuthToken, {}, jwtSettings())
    expectError(
      run,
      'BAD_REQUEST',
      /refused the request \(HTTP 401\): denied;.*\[REDACTED\]/,
      'TOKEN_REQUEST_REFUSED',
    )
    const assertion = formParam(server.requests[0]?.body ?? '', 'client_assertion')
    expectClean(run, [assertion ?? 'missing', PRIVATE_KEY, PRIVATE_KEY_SETTING])
  })

  it('an unreadable private key: MISSING_SETTINGS that does not quote the key', async () => {
    const garbage = `-----BEGIN PRIVATE KEY-----\\nNotAKeyButSecretLooking0123456789abcdef\\n-----END PRIVATE KEY-----`
    const run = await runAction(fetchOAuthToken, {}, { ...jwtSettings(), privateKey: garbage })
    expectError(
      run,
      'MISSING_SETTINGS',
      /^Setting "privateKey": could not be read/,
      'INVALID_SETTING',
    )
    expect(server.requests).toEqual([])
    expectClean(run, [garbage, 'NotAKeyButSecretLooking0123456789abcdef'])
  })

  it('a key of the wrong type for the algorithm: MISSING_SETTINGS, nothing sent', async () => {
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    const run = await runAction(fetchOAuthToken, {}, { ...jwtSettings(), privateKey: ecKey })
    expectError(
      run,
      'MISSING_SETTINGS',
      /^Setting "privateKey": is not an RSA key \(needed for RS384\)/,
      'INVALID_SETTING',
    )
    expect(server.requests).toEqual([])
    expectClean(run, [ecKey])
  })
})

describe('secret hygiene: client secrets', () => {
  it('client_secret_basic: a server echoing the Authorization header leaks no credentials', async () => {
    server.respondWith(echoEverythingAsText)
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(run, 'BAD_REQUEST', /HTTP 401/, 'TOKEN_REQUEST_REFUSED')
    const basic = String(server.requests[0]?.headers['authorization']).replace(/^Basic /, '')
    expect(Buffer.from(basic, 'base64').toString()).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`)
    expectClean(run, [CLIENT_SECRET, basic])
  })

  it('client_secret_post: a secret with form-encoded characters is redacted as sent', async () => {
    // application/x-www-form-urlencoded escapes !'()~ and turns spaces into "+".
    const secret = "s3cret (it's!) ~ with spaces"
    server.respondWith(echoBodyInErrorDescription)
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { clientAuthMethod: 'client_secret_post', clientSecret: secret }),
    )
    expectError(run, 'BAD_REQUEST', /HTTP 400/, 'TOKEN_REQUEST_REFUSED')
    expect(formParam(server.requests[0]?.body ?? '', 'client_secret')).toBe(secret)
    expectClean(run, [secret])
  })
})

describe('secret hygiene: the bearer token at the API', () => {
  const issuer = tokenIssuer('tok-Planted-Bearer-Value-0123456789')

  /** An API error body that puts the token right at the excerpt's cut. */
  const tokenAtTheCut =
    (status: number): Responder =>
    (recorded, response) => {
      const token = String(recorded.headers['authorization']).replace(/^Bearer /, '')
      const padding = 'p'.repeat(MAX_BODY_EXCERPT - token.length + 2)
      sendText(response, status, `${padding}${token} and more`)
    }

  it('an API error body quoting the token where the excerpt is cut: no part leaks', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, issuer],
        [API_PATH, tokenAtTheCut(500)],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectError(run, 'SERVER_ERROR', /HTTP 500 .*Body: p+/, 'API_SERVER_ERROR')
    const token = issuer.issued.at(-1) ?? 'missing'
    // All but the last two characters of the token would be as good as the token.
    expectClean(run, [token, token.slice(0, -2)])
  })

  it('a WWW-Authenticate quoting the token where it is cut: no part leaks', async () => {
    server.respondWith(
      routes([
        [TOKEN_PATH, issuer],
        [
          API_PATH,
          (recorded, response) => {
            const token = String(recorded.headers['authorization']).replace(/^Bearer /, '')
            const prefix = 'Bearer error="invalid_token", error_description="'
            const padding = 'p'.repeat(300 - prefix.length - token.length + 2)
            sendJson(response, 403, {}, { 'WWW-Authenticate': `${prefix}${padding}${token}"` })
          },
        ],
      ]),
    )
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectError(run, 'BAD_REQUEST', /HTTP 403 .*WWW-Authenticate: Bearer/, 'API_CLIENT_ERROR')
    const token = issuer.issued.at(-1) ?? 'missing'
    expectClean(run, [token, token.slice(0, -2)])
  })
})
