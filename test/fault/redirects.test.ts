/**
 * Redirects that loop, never end, climb out of the API base in ways only some servers
 * understand, or would send a POST again and again. Each is refused structurally and worded as
 * what it is, and a POST or PATCH is sent at most twice (the request and one 307/308 hop).
 */
import type { ServerResponse } from 'node:http'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
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
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const GIVEN_TOKEN = 'given-Planted-Token-77b1c0e2'

let server: LoopbackServer
let issuer: ReturnType<typeof tokenIssuer>

useFaultServer((started) => {
  server = started
})
beforeEach(() => {
  issuer = tokenIssuer()
})

const redirect =
  (status: number, location: (url: string) => string): Responder =>
  (recorded, response: ServerResponse) => {
    response.writeHead(status, { Location: location(recorded.url) })
    response.end()
  }

/** The API answers by path: a table of exact paths, 404 for the others. */
const api = (table: Record<string, Responder>): void => {
  server.respondWith(
    routes([
      [TOKEN_PATH, issuer],
      [
        API_PATH,
        (recorded, response, request) =>
          (table[recorded.url] ?? ((_r, res) => sendJson(res, 404, {})))(
            recorded,
            response,
            request,
          ),
      ],
    ]),
  )
}

const call = (fields: Record<string, unknown>): Promise<ActionRun> =>
  runAction(
    authenticatedApiCall,
    { accessToken: GIVEN_TOKEN, path: '/a', ...fields },
    settingsFor(server),
  )

const apiRequests = (): string[] =>
  server.requestsTo(API_PATH).map((request) => `${request.method} ${request.url}`)

const expectClean = (run: ActionRun): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, GIVEN_TOKEN, ...issuer.issued])
}

describe('fault injection: API redirects', () => {
  it('a loop (a → b → a): refused as a redirect loop, each URL requested once', async () => {
    api({
      '/api/v1/a': redirect(307, () => '/api/v1/b'),
      '/api/v1/b': redirect(302, () => '/api/v1/a'),
    })
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /HTTP 302 to GET \/api\/v1\/a; it redirects to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/a, which was already requested \(a redirect loop\)/,
      'API_REDIRECT_REFUSED',
    )
    expect(run.code).toBe('API_REDIRECT_REFUSED')
    expect(run.message).not.toMatch(/outside the API base/)
    expect(apiRequests()).toEqual(['GET /api/v1/a', 'GET /api/v1/b'])
    expectClean(run)
  })

  it('a redirect to itself: a loop after one request', async () => {
    api({ '/api/v1/a': redirect(308, (url) => url) })
    const run = await call({})
    expectError(run, 'BAD_REQUEST', /a redirect loop/, 'API_REDIRECT_REFUSED')
    expect(apiRequests()).toEqual(['GET /api/v1/a'])
    expectClean(run)
  })

  it('an endless chain of new URLs: too many redirects after 5 hops', async () => {
    let hop = 0
    const next = redirect(307, () => `/api/v1/hop/${++hop}`)
    api(
      Object.fromEntries<Responder>([
        ['/api/v1/a', next],
        ...Array.from({ length: 10 }, (_u, i): [string, Responder] => [
          `/api/v1/hop/${i + 1}`,
          next,
        ]),
      ]),
    )
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /after 5 redirects \(too many redirects\)/,
      'API_REDIRECT_REFUSED',
    )
    expect(apiRequests()).toHaveLength(6)
    expectClean(run)
  })

  it.each([
    ['..;', '/api/v1/..;/admin'],
    ['.;jsessionid', '/api/v1/.;jsessionid=x/..;/admin'],
    ['double-encoded dot segments', '/api/v1/%252e%252e/admin'],
    ['an encoded backslash', '/api/v1/x%5c..%5cadmin'],
  ])('a redirect under the base with %s: refused by the rule for paths', async (_case, target) => {
    api({ '/api/v1/a': redirect(307, () => target) })
    const run = await call({})
    expectError(
      run,
      'BAD_REQUEST',
      /outside the API base URL \(a dot segment with ";" parameters, or an encoded .*\), so the redirect was not followed/,
      'API_REDIRECT_REFUSED',
    )
    expect(apiRequests()).toEqual(['GET /api/v1/a'])
    expectClean(run)
  })
})

describe('fault injection: redirects of a POST or PATCH', () => {
  it.each(['POST', 'PATCH'])(
    '%s 307 then 201: followed once, the body sent again to the new URL (2 requests)',
    async (method) => {
      api({
        '/api/v1/a': redirect(307, () => '/api/v1/b'),
        '/api/v1/b': (_r, response) => sendJson(response, 201, { id: 'new' }),
      })
      const run = await call({ method, body: { status: 'final' } })
      expectOutcome(run, 'complete')
      expect(apiRequests()).toEqual([`${method} /api/v1/a`, `${method} /api/v1/b`])
      expect(server.requestsTo(API_PATH).map((request) => request.body)).toEqual([
        '{"status":"final"}',
        '{"status":"final"}',
      ])
      expectClean(run)
    },
  )

  it.each(['POST', 'PATCH'])(
    '%s 307 → 308 → …: the second hop is refused, the request sent exactly twice',
    async (method) => {
      let hop = 0
      const next: Responder = (recorded, response, request) =>
        redirect(hop % 2 === 0 ? 307 : 308, () => `/api/v1/w${++hop}`)(recorded, response, request)
      api(
        Object.fromEntries<Responder>([
          ['/api/v1/a', next],
          ...Array.from({ length: 10 }, (_u, i): [string, Responder] => [
            `/api/v1/w${i + 1}`,
            next,
          ]),
        ]),
      )
      const run = await call({ method, body: { status: 'final' } })
      expectError(
        run,
        'BAD_REQUEST',
        new RegExp(
          `it redirects again, to http://127\\.0\\.0\\.1:\\d+/api/v1/w2; a ${method} follows at most 1 redirect`,
        ),
        'API_REDIRECT_REFUSED',
      )
      expect(apiRequests()).toEqual([`${method} /api/v1/a`, `${method} /api/v1/w1`])
      expectClean(run)
    },
  )

  it('POST 303 → GET: followed as a GET, the body not sent again', async () => {
    api({
      '/api/v1/a': redirect(303, () => '/api/v1/result'),
      '/api/v1/result': (_r, response) => sendJson(response, 200, { ok: true }),
    })
    const run = await call({ method: 'POST', body: { status: 'final' } })
    expectOutcome(run, 'complete')
    expect(apiRequests()).toEqual(['POST /api/v1/a', 'GET /api/v1/result'])
    expect(server.requestsTo('/api/v1/result')[0]?.body).toBe('')
    expectClean(run)
  })
})

describe('fault injection: token endpoint redirects', () => {
  it('a loop on the same origin: SERVER_ERROR saying redirect loop', async () => {
    server.respondWith(
      routes([
        [`${TOKEN_PATH}2`, redirect(307, () => TOKEN_PATH)],
        [TOKEN_PATH, redirect(307, () => `${TOKEN_PATH}2`)],
      ]),
    )
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(
      run,
      'SERVER_ERROR',
      /token endpoint redirected to http:\/\/127\.0\.0\.1:\d+\/oauth\/token, which it had already requested \(a redirect loop\); the redirect was not followed/,
      'TOKEN_REDIRECT_REFUSED',
    )
    expect(run.code).toBe('TOKEN_REDIRECT_REFUSED')
    expect(server.requests).toHaveLength(2)
    expectClean(run)
  })

  it('an endless chain: SERVER_ERROR saying too many redirects', async () => {
    let hop = 0
    server.respondWith(redirect(307, () => `/oauth/hop/${++hop}`))
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(
      run,
      'SERVER_ERROR',
      /after 5 redirects \(too many redirects\)/,
      'TOKEN_REDIRECT_REFUSED',
    )
    expect(server.requests).toHaveLength(6)
    expectClean(run)
  })
})
