/**
 * Token responses with hostile values: lifetimes out of any range (expires_in 1e13, 1e308, 400
 * digits; a JWT exp of 1e20, negative, not a number) and access tokens that cannot be sent in a
 * Bearer header (CR/LF, a space, non-ASCII, over 16 KB). Never a RangeError or an "unexpected
 * internal error", never a token cached as fresh forever, never an unusable token cached or sent.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import { tokenCache } from '../../extensions/oauthApi/lib/oauth/obtainAccessToken'
import { UNKNOWN_LIFETIME_REUSE_MS } from '../../extensions/oauthApi/lib/oauth/tokenLifetime'
import { parseSettings } from '../../extensions/oauthApi/settings'
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
  useFaultServer,
} from '../support/faultFixtures'
import {
  routes,
  sendJson,
  sendText,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

let server: LoopbackServer

useFaultServer((started) => {
  server = started
})

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url')
/** An unsigned JWT with these claims, distinct per call (the API does not verify it here). */
let serial = 0
const jwtWith = (claims: Record<string, unknown>): string =>
  `${base64url({ alg: 'RS256', typ: 'JWT' })}.${base64url({ sub: 'c', n: ++serial, ...claims })}.c2lnbmF0dXJl`

/** A token endpoint answering each request with `body()` (a new token each time). */
const tokenEndpoint =
  (body: () => Record<string, unknown>): Responder =>
  (_recorded, response) =>
    sendJson(response, 200, { token_type: 'Bearer', ...body() })

const serve = (token: Responder): void =>
  server.respondWith(
    routes([
      [TOKEN_PATH, token],
      [API_PATH, (_recorded, response) => sendJson(response, 200, { ok: true })],
    ]),
  )

const tokenRequests = (): number => server.requestsTo(TOKEN_PATH).length
const apiRequests = (): number => server.requestsTo(API_PATH).length

/** How long the token cache may still hand out the settings' token (ms), 0 when it holds none. */
const cachedFor = (): number =>
  tokenCache.getRemainingTTL(parseSettings(settingsFor(server)).client.cacheKey)

const expectClean = (run: ActionRun, secrets: string[] = []): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, ...secrets])
  expect(run.message).not.toMatch(/Unexpected internal error/)
}

describe('fault injection: lifetimes out of range', () => {
  it.each<[string, unknown]>([
    ['1e13', 1e13],
    ['1e308', 1e308],
    ['a numeric string of 400 digits', '9'.repeat(400)],
    ['a numeric string of 20 digits', '99999999999999999999'],
    ['a year and a day', 366 * 86_400],
  ])(
    'expires_in %s: completes with the lifetime unknown, cached at most 5 minutes',
    async (_case, expiresIn) => {
      serve(tokenEndpoint(() => ({ access_token: `opaque-${++serial}`, expires_in: expiresIn })))
      const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
      expectOutcome(run, 'complete')
      expect(run.dataPoints.expiresIn).toBeUndefined()
      expect(run.dataPoints.expiresAt).toBeUndefined()
      expect(run.events[0]?.text.en).toMatch(/lifetime unknown/)
      expect(cachedFor()).toBeGreaterThan(0)
      expect(cachedFor()).toBeLessThanOrEqual(UNKNOWN_LIFETIME_REUSE_MS)
      expectClean(run)
    },
  )

  it.each<[string, unknown]>([
    ['1e20', 1e20],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ['"NaN"', 'NaN'],
    ['a string of digits', '99999999999'],
  ])(
    'a JWT with exp %s and no expires_in: lifetime unknown, cached at most 5 minutes',
    async (_case, exp) => {
      serve(tokenEndpoint(() => ({ access_token: jwtWith({ exp }) })))
      const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
      expectOutcome(run, 'complete')
      expect(run.dataPoints.expiresAt).toBeUndefined()
      expect(cachedFor()).toBeLessThanOrEqual(UNKNOWN_LIFETIME_REUSE_MS)
      expectClean(run)
    },
  )

  it.each<[string, number]>([
    ['-5', -5],
    ['-1e20', -1e20],
  ])(
    'a JWT with exp %s: already expired, so the next run asks for a new token',
    async (_case, exp) => {
      serve(tokenEndpoint(() => ({ access_token: jwtWith({ exp }) })))
      const first = await runAction(fetchOAuthToken, {}, settingsFor(server))
      expectOutcome(first, 'complete')
      expect(first.dataPoints.expiresIn).toBe('0')
      expect(first.dataPoints.expiresAt).toBe('1970-01-01T00:00:00.000Z')
      await new Promise((resolve) => setTimeout(resolve, 5))
      const second = await runAction(fetchOAuthToken, {}, settingsFor(server))
      expectOutcome(second, 'complete')
      expect(tokenRequests()).toBe(2)
      expectClean(first)
      expectClean(second)
    },
  )

  it('one-step call, a JWT with exp 1e20: completes, reuses it, cached at most 5 minutes', async () => {
    serve(tokenEndpoint(() => ({ access_token: jwtWith({ exp: 1e20 }) })))
    const first = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    const second = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectOutcome(first, 'complete')
    expectOutcome(second, 'complete')
    expect([tokenRequests(), apiRequests()]).toEqual([1, 2])
    expect(cachedFor()).toBeLessThanOrEqual(UNKNOWN_LIFETIME_REUSE_MS)
    expectClean(first)
  })

  it('one-step call, expires_in 1e308: completes', async () => {
    serve(tokenEndpoint(() => ({ access_token: `opaque-${++serial}`, expires_in: 1e308 })))
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectOutcome(run, 'complete')
    expect(cachedFor()).toBeLessThanOrEqual(UNKNOWN_LIFETIME_REUSE_MS)
    expectClean(run)
  })

  it('one-step call, a JWT with exp -1e20: sent once, and the next run gets a new one', async () => {
    serve(tokenEndpoint(() => ({ access_token: jwtWith({ exp: -1e20 }) })))
    const first = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectOutcome(first, 'complete')
    expectOutcome(second, 'complete')
    expect([tokenRequests(), apiRequests()]).toEqual([2, 2])
    expectClean(first)
  })

  it('two-step call, a JWT handed in with exp 1e20 and iat 1e20: sent as it is', async () => {
    serve(tokenEndpoint(() => ({ access_token: `opaque-${++serial}` })))
    const given = jwtWith({ exp: 1e20, iat: 1e20 })
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x', accessToken: given },
      settingsFor(server),
    )
    expectOutcome(run, 'complete')
    expect(run.dataPoints.tokenRefreshed).toBe('false')
    expect([tokenRequests(), apiRequests()]).toEqual([0, 1])
    expectClean(run, [given])
  })

  it('two-step call, a JWT handed in with exp -1e20: replaced before the call', async () => {
    serve(tokenEndpoint(() => ({ access_token: `opaque-${++serial}`, expires_in: 3600 })))
    const given = jwtWith({ exp: -1e20 })
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x', accessToken: given },
      settingsFor(server),
    )
    expectOutcome(run, 'complete')
    expect(run.dataPoints.tokenRefreshed).toBe('true')
    expect(server.requestsTo(API_PATH)[0]?.headers['authorization']).not.toContain(given)
    expectClean(run, [given])
  })
})

describe('fault injection: an access token that cannot be sent (RFC 6750 §2.1)', () => {
  it.each<[string, string]>([
    ['CR/LF', 'tok-Unsendable-1\r\nX-Injected: yes'],
    ['a space', 'tok Unsendable 2'],
    ['non-ASCII', 'tok-Unsendable-\u00e9\u20ac'],
    ['a quote', 'tok-Unsendable-"3"'],
    ['over 16 KB', `tok-Unsendable-${'a'.repeat(16_384)}`],
  ])('with %s: SERVER_ERROR, not cached, the API receives nothing', async (_case, token) => {
    serve(tokenEndpoint(() => ({ access_token: token, expires_in: 3600 })))
    const fetched = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(
      fetched,
      'SERVER_ERROR',
      /access_token with characters that cannot be sent/,
      'TOKEN_RESPONSE_INVALID',
    )
    expect(fetched.code).toBe('TOKEN_RESPONSE_INVALID')
    expect(cachedFor()).toBe(0)
    const called = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectError(
      called,
      'SERVER_ERROR',
      /access_token with characters that cannot be sent/,
      'TOKEN_RESPONSE_INVALID',
    )
    expect(called.code).toBe('TOKEN_RESPONSE_INVALID')
    // Nothing was cached: the second run asked again, and nothing reached the API.
    expect([tokenRequests(), apiRequests()]).toEqual([2, 0])
    expectClean(fetched, [token])
    expectClean(called, [token])
  })

  it('a JSON body that is not an object, with 200: SERVER_ERROR, nothing sent to the API', async () => {
    serve((_recorded, response) => sendText(response, 200, '"tok-as-a-string"'))
    const run = await runAction(authenticatedApiCall, { path: '/x' }, settingsFor(server))
    expectError(run, 'SERVER_ERROR', /not a JSON object/, 'TOKEN_RESPONSE_INVALID')
    expect(apiRequests()).toBe(0)
    expectClean(run)
  })
})
