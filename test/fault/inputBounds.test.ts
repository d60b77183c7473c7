/**
 * Input that no real care flow sends, refused before anything is sent and in time linear in its
 * size: thousands of headers or query parameters, bodies nested thousands of levels deep or many
 * MB large, huge paths; and settings that would be silently altered (user info, a query string or
 * a fragment in a URL) or that pass for loopback without being it (`*.localhost`).
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { FIELD_LIMITS } from '../../extensions/oauthApi/actions/shared/fields'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectNoSecrets,
  expectOutcome,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  API_PATH,
  CLIENT_SECRET,
  settingsFor,
  TOKEN_PATH,
  type SettingsValues,
  useFaultServer,
} from '../support/faultFixtures'
import { routes, sendJson, tokenIssuer, type LoopbackServer } from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const GIVEN_TOKEN = 'given-Planted-Token-0d9e8f7a'

let server: LoopbackServer

useFaultServer((started) => {
  server = started
})
beforeEach(() => {
  server.respondWith(
    routes([
      [TOKEN_PATH, tokenIssuer()],
      [API_PATH, (_recorded, response) => sendJson(response, 200, { ok: true })],
    ]),
  )
})

const call = (fields: Record<string, unknown>, settings?: SettingsValues): Promise<ActionRun> =>
  runAction(
    authenticatedApiCall,
    { accessToken: GIVEN_TOKEN, path: '/x', method: 'POST', ...fields },
    settings ?? settingsFor(server),
  )

/**
 * Refused, naming the field, and nothing sent. (How fast is the bench's to measure, not a timed
 * assertion's: the bounds are checked before the value is read whole, in time linear in it.)
 */
const expectRefused = (run: ActionRun, field: string, says: RegExp): void => {
  expectError(run, 'WRONG_INPUT', new RegExp(`^Field "${field}": ${says.source}`), 'INVALID_FIELD')
  expect(run.code).toBe('INVALID_FIELD')
  expect(server.requests).toEqual([])
  expectNoSecrets(run, [CLIENT_SECRET, GIVEN_TOKEN])
}

const manyEntries = (count: number, value = 'v'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: count }, (_u, i) => [`x-h-${i}`, value]))

/** A value nested `depth` levels deep, built without recursion. */
const nested = (depth: number): unknown => {
  let value: unknown = 1
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { a: value }
  return value
}

describe('fault injection: field sizes', () => {
  it.each([
    ['an object', manyEntries(10_000)],
    ['JSON text', JSON.stringify(manyEntries(10_000))],
  ])('10,000 headers as %s: refused', async (_case, headers) => {
    expectRefused(
      await call({ headers }),
      'headers',
      /(?:has more than 100 headers|is longer than 65536 characters)/,
    )
  })

  it('a header value of 9 KB, and headers of 40 KB in all: refused', async () => {
    expectRefused(
      await call({ headers: { 'x-big': 'v'.repeat(9 * 1024) } }),
      'headers',
      /value of "x-big" is longer than 8192 characters/,
    )
    expectRefused(
      await call({ headers: manyEntries(5, 'v'.repeat(8000)) }),
      'headers',
      /headers are longer than 32768 characters in all/,
    )
  })

  it.each([
    ['10,000 names', Object.fromEntries(Array.from({ length: 10_000 }, (_u, i) => [`p${i}`, i]))],
    ['one name repeated 100,000 times', { _id: Array.from({ length: 100_000 }, (_u, i) => i) }],
  ])('a query of %s: refused', async (_case, query) => {
    expectRefused(await call({ query }), 'query', /has more than 200 parameters/)
  })

  it.each([
    ['JSON text', `${'['.repeat(10_000)}1${']'.repeat(10_000)}`],
    ['an object', nested(100_000)],
  ])('a body nested 10,000+ levels deep as %s: refused', async (_case, body) => {
    expectRefused(await call({ body }), 'body', /is nested deeper than 64 levels/)
  })

  it('a body of 11 MB (text, or an object of many strings): refused', async () => {
    const big = { note: 'x'.repeat(11 * 1024 * 1024) }
    expectRefused(await call({ body: JSON.stringify(big) }), 'body', /is larger than 10 MB/)
    expectRefused(await call({ body: big }), 'body', /is larger than 10 MB/)
    const wide = Array.from({ length: 200_000 }, () => 'y'.repeat(60))
    expectRefused(await call({ body: wide }), 'body', /is larger than 10 MB/)
  })

  it('a body of JSON text is measured in UTF-8 bytes, and brackets inside its strings are not nesting', async () => {
    // 4 million three-byte characters: under 10 MB of characters, 12 MB of UTF-8.
    const wide = JSON.stringify({ note: '€'.repeat(4 * 1024 * 1024) })
    expectRefused(await call({ body: wide }), 'body', /is larger than 10 MB/)
    const brackets = JSON.stringify({ note: `${'[{'.repeat(1000)}\\"${'}]'.repeat(1000)}` })
    expectOutcome(await call({ body: brackets }), 'complete')
  })

  it('a cyclic body object (a programmatic caller): refused, not a stack overflow', async () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic['self'] = cyclic
    expectRefused(await call({ body: cyclic }), 'body', /is nested deeper than 64 levels/)
  })

  it('a path of 100 KB: refused', async () => {
    expectRefused(
      await call({ path: `/${'p'.repeat(100_000)}` }),
      'path',
      /is longer than 8192 characters/,
    )
  })

  it('at the limits: 100 headers, 200 parameters, a body 64 levels deep reach the API', async () => {
    const run = await call({
      headers: manyEntries(FIELD_LIMITS.headers.maxEntries),
      query: { _id: Array.from({ length: FIELD_LIMITS.query.maxEntries }, (_u, i) => i) },
      body: JSON.stringify(nested(FIELD_LIMITS.body.maxDepth)),
      path: `/${'p'.repeat(8000)}`,
    })
    expectOutcome(run, 'complete')
    const [request] = server.requestsTo(API_PATH)
    expect(request?.headers['x-h-99']).toBe('v')
    expect(new URL(request?.url ?? '', server.origin).searchParams.getAll('_id')).toHaveLength(200)
    expect(request?.body).toBe(JSON.stringify(nested(64)))
  })
})

describe('fault injection: settings that would be silently altered', () => {
  it.each<[string, SettingsValues, RegExp]>([
    ['apiBaseUrl with user info', { apiBaseUrl: 'http://u:p@127.0.0.1:1/api' }, /user info/],
    ['apiBaseUrl with a query', { apiBaseUrl: 'http://127.0.0.1:1/api?tenant=a' }, /query/],
    ['apiBaseUrl with an empty query', { apiBaseUrl: 'http://127.0.0.1:1/api?' }, /query/],
    ['apiBaseUrl with a fragment', { apiBaseUrl: 'http://127.0.0.1:1/api#v2' }, /fragment/],
    ['tokenUrl with user info', { tokenUrl: 'http://client:secret@127.0.0.1:1/t' }, /user info/],
    ['tokenUrl with a fragment', { tokenUrl: 'http://127.0.0.1:1/t#x' }, /fragment/],
    [
      'issuerUrl with a query',
      { tokenUrl: undefined, issuerUrl: 'http://127.0.0.1:1/i?x=1' },
      /query/,
    ],
    ['apiBaseUrl on a name under .localhost', { apiBaseUrl: 'http://api.localhost/x' }, /https/],
    ['tokenUrl on a name under .localhost', { tokenUrl: 'http://auth.localhost/t' }, /https/],
  ])('%s: MISSING_SETTINGS naming it, nothing sent', async (_case, overrides, says) => {
    const [setting] = Object.keys(overrides).filter((key) => overrides[key] !== undefined)
    for (const action of [authenticatedApiCall, fetchOAuthToken]) {
      const run = await runAction(action, { path: '/x' }, settingsFor(server, overrides))
      expectError(
        run,
        'MISSING_SETTINGS',
        new RegExp(`^Setting "${setting}": .*${says.source}`),
        'INVALID_SETTING',
      )
      expect(run.code).toBe('INVALID_SETTING')
    }
    expect(server.requests).toEqual([])
  })

  it('a token URL with a query string (Azure AD B2C ?p=policy) is kept and used', async () => {
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { tokenUrl: server.url(`${TOKEN_PATH}?p=B2C_1_policy`) }),
    )
    expectOutcome(run, 'complete')
    expect(server.requests.map((request) => request.url)).toEqual([`${TOKEN_PATH}?p=B2C_1_policy`])
  })

  it('http on the name localhost itself is allowed', async () => {
    const port = new URL(server.origin).port
    const run = await runAction(
      authenticatedApiCall,
      { path: '/x' },
      settingsFor(server, {
        tokenUrl: `http://localhost:${port}${TOKEN_PATH}`,
        apiBaseUrl: `http://localhost:${port}${API_PATH}`,
      }),
    )
    // localhost may resolve to ::1 first where the server listens on 127.0.0.1 only: either
    // way, the settings were accepted.
    expect(run.category).not.toBe('MISSING_SETTINGS')
  })
})
