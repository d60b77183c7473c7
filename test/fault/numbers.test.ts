/**
 * Numbers keep their digits and headers their names: 2^53 + 1 arrives at the API with every
 * digit from every field kind and comes back with every digit in merged pages and GraphQL data;
 * a number no system reads (1e400) is refused naming the field; header names that would collide
 * or be dropped are refused or sent, never lost without a word.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { authenticatedGraphqlRequest } from '../../extensions/oauthApi/actions/authenticatedGraphqlRequest'
import {
  expectError,
  expectOutcome,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  inSequence,
  routes,
  sendJson,
  sendText,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import { API_PATH, settingsFor, TOKEN_PATH, useFaultServer } from '../support/faultFixtures'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

/** 2^53 + 1: the first integer a double cannot hold (it reads 9007199254740992). */
const BIG = '9007199254740993'
const HUGE = '123456789012345678901234567890'

let server: LoopbackServer
useFaultServer((started) => {
  server = started
})

const api = (...answers: Responder[]): void => {
  server.respondWith(
    routes([
      [TOKEN_PATH, tokenIssuer()],
      [API_PATH, inSequence(...answers)],
    ]),
  )
}
const ok: Responder = (_recorded, response) => sendJson(response, 200, { ok: true })
const sent = () => server.requestsTo(API_PATH)[0]

const call = (fields: Record<string, unknown>): Promise<ActionRun> =>
  runAction(authenticatedApiCall, { path: '/Thing', ...fields }, settingsFor(server))

describe('numbers from fields to the wire', () => {
  beforeEach(() => api(ok))

  it.each(['json', 'fhir+json', 'form', 'multipart'])('a %s body', async (bodyFormat) => {
    const run = await call({
      method: 'POST',
      bodyFormat,
      body: `{"id": ${BIG}, "ids": [${HUGE}, 1.5]}`,
    })
    expectOutcome(run, 'complete')
    expect(sent().body).toContain(BIG)
    expect(sent().body).toContain(HUGE)
    expect(sent().body).not.toContain('9007199254740992')
  })

  it('query parameters', async () => {
    const run = await call({ query: `{"id": ${BIG}, "many": [${HUGE}, 2]}` })
    expectOutcome(run, 'complete')
    expect(sent().url).toBe(`${API_PATH}/Thing?id=${BIG}&many=${HUGE}&many=2`)
  })

  it('headers', async () => {
    const run = await call({ headers: `{"X-Id": ${BIG}}` })
    expectOutcome(run, 'complete')
    expect(sent().headers['x-id']).toBe(BIG)
  })

  it('GraphQL variables', async () => {
    api((_recorded, response) => sendJson(response, 200, { data: { thing: null } }))
    const run = await runAction(
      authenticatedGraphqlRequest,
      { query: 'query Q($id: ID!) { thing(id: $id) { id } }', variables: `{"id": ${BIG}}` },
      settingsFor(server),
    )
    expectOutcome(run, 'complete')
    expect(sent().body).toContain(`"variables":{"id":${BIG}}`)
  })

  it.each([
    ['body', { method: 'POST', body: '{"n": 1e400}' }],
    ['body', { method: 'POST', bodyFormat: 'form', body: '{"n": -1e400}' }],
    ['query', { query: '{"n": 1e400}' }],
    ['headers', { headers: '{"X-N": 1e-400}' }],
  ])('a number beyond a double (%s) is refused naming the field', async (field, fields) => {
    const run = await call(fields)
    expectError(
      run,
      'WRONG_INPUT',
      new RegExp(`^Field "${field}": .*beyond the range`),
      'INVALID_FIELD',
    )
    expect(sent()).toBeUndefined()
  })

  it('GraphQL variables with 1e400 are refused naming variables', async () => {
    const run = await runAction(
      authenticatedGraphqlRequest,
      { query: 'query Q($n: Float) { thing(n: $n) { id } }', variables: '{"n": 1e400}' },
      settingsFor(server),
    )
    expectError(run, 'WRONG_INPUT', /^Field "variables": .*beyond the range/, 'INVALID_FIELD')
    expect(sent()).toBeUndefined()
  })
})

describe('numbers from the wire to data points', () => {
  it('merged pages keep integers beyond 2^53', async () => {
    api(
      (_recorded, response) =>
        sendText(response, 200, `[{"id": ${BIG}}]`, {
          'Content-Type': 'application/json',
          Link: `<${API_PATH}/Thing?page=2>; rel="next"`,
        }),
      (_recorded, response) =>
        sendText(response, 200, `[{"id": ${HUGE}}]`, { 'Content-Type': 'application/json' }),
    )
    const run = await call({ maxPages: 2 })
    expectOutcome(run, 'complete')
    expect(run.dataPoints.responseBody).toBe(`[{"id":${BIG}},{"id":${HUGE}}]`)
  })

  it('GraphQL data keeps integers beyond 2^53', async () => {
    api((_recorded, response) =>
      sendText(response, 200, `{"data": {"thing": {"n": ${BIG}, "m": 1e400}}}`, {
        'Content-Type': 'application/json',
      }),
    )
    const run = await runAction(
      authenticatedGraphqlRequest,
      { query: '{ thing { n m } }' },
      settingsFor(server),
    )
    expectOutcome(run, 'complete')
    expect(run.dataPoints.data).toBe(`{"thing":{"n":${BIG},"m":1e400}}`)
  })
})

describe('header names', () => {
  beforeEach(() => api(ok))

  it('two names differing only in case are refused naming headers', async () => {
    const run = await call({ headers: '{"X-Tenant": "a", "x-tenant": "b"}' })
    expectError(
      run,
      'WRONG_INPUT',
      /^Field "headers": .*X-Tenant.*x-tenant.*case-insensitive/,
      'INVALID_FIELD',
    )
    expect(sent()).toBeUndefined()
  })

  it('"__proto__", "constructor" and "toString" are sent like any other name', async () => {
    // As received on the wire: Node's own header object has no room for "__proto__" either.
    let raw: string[] = []
    api((_recorded, response, request) => {
      raw = request.rawHeaders
      void ok(_recorded, response, request)
    })
    const run = await call({
      headers: '{"__proto__": "p", "constructor": "c", "toString": "t", "X-Other": "o"}',
    })
    expectOutcome(run, 'complete')
    const pairs = raw.flatMap((name, index) =>
      index % 2 === 0 ? [`${name}: ${raw[index + 1]}`] : [],
    )
    expect(pairs).toEqual(
      expect.arrayContaining(['__proto__: p', 'constructor: c', 'toString: t', 'X-Other: o']),
    )
  })

  it('a name that is not an HTTP token is refused naming headers', async () => {
    const run = await call({ headers: '{"X Bad": "1"}' })
    expectError(
      run,
      'WRONG_INPUT',
      /^Field "headers": header name "X Bad" is not a valid token/,
      'HEADER_REFUSED',
    )
    expect(sent()).toBeUndefined()
  })
})
