/**
 * Fault injection at a GraphQL API: authenticatedGraphqlRequest against a real loopback server
 * (one-step mode: token from the loopback token endpoint). Mutations are never repeated, queries
 * are repeated like a GET; every run ends within the timeout and leaks no secret, also when the
 * API echoes the token in its GraphQL errors.
 */
import { authenticatedGraphqlRequest } from '../../extensions/oauthApi/actions/authenticatedGraphqlRequest'
import {
  expectEndedWithin,
  expectError,
  expectNoSecrets,
  expectOutcome,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  inSequence,
  neverAnswer,
  resetConnection,
  routes,
  sendJson,
  streamBody,
  tokenIssuer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'
import {
  API_PATH,
  CLIENT_SECRET,
  RUN_BOUND_MS,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const QUERY = 'query GetPatient { patient(id: "1") { id } }'
const MUTATION = 'mutation CreatePatient { createPatient(input: {first_name: "A"}) { id } }'

let server: LoopbackServer
let issuer: ReturnType<typeof tokenIssuer>

useFaultServer((started) => {
  server = started
})
beforeEach(() => {
  issuer = tokenIssuer()
})

const apiAnswers = (...api: Responder[]): void => {
  server.respondWith(
    routes([
      [TOKEN_PATH, issuer],
      [API_PATH, inSequence(...api)],
    ]),
  )
}

const ok: Responder = (_recorded, response) =>
  sendJson(response, 200, { data: { patient: { id: '1' } } })

const status =
  (code: number): Responder =>
  (_recorded, response) =>
    sendJson(response, code, { errors: [{ message: `HTTP ${code}` }] })

const send = (query: string, fields: Record<string, unknown> = {}): Promise<ActionRun> =>
  runAction(authenticatedGraphqlRequest, { query, ...fields }, settingsFor(server))

const apiRequests = () => server.requestsTo(API_PATH)

const expectCleanRun = (run: ActionRun): void => {
  expectEndedWithin(run, RUN_BOUND_MS)
  expectNoSecrets(run, [CLIENT_SECRET, ...issuer.issued])
}

describe('fault injection: a GraphQL API (authenticatedGraphqlRequest)', () => {
  it.each([
    [
      'answered 503',
      status(503),
      'API_SERVER_ERROR',
      /HTTP 503 to POST \/api\/v1; a mutation is not repeated/,
    ],
    [
      'answered 429',
      status(429),
      'API_CLIENT_ERROR',
      /HTTP 429 to POST \/api\/v1; a mutation is not repeated/,
    ],
    [
      'reset',
      resetConnection,
      'NETWORK',
      /ECONNRESET\); a mutation is not repeated, so that no record is created twice$/,
    ],
  ])('a mutation %s is sent exactly once', async (_case, answer, code, message) => {
    apiAnswers(answer, ok)
    const run = await send(MUTATION)
    expect(run.code).toBe(code)
    expect(run.message).toMatch(message)
    expect(apiRequests()).toHaveLength(1)
    expectCleanRun(run)
  })

  it.each([
    ['503', status(503)],
    ['a reset', resetConnection],
  ])('a query answered %s, then 200, completes (2 requests)', async (_case, answer) => {
    apiAnswers(answer, ok)
    const run = await send(QUERY)
    expectOutcome(run, 'complete')
    expect(apiRequests()).toHaveLength(2)
    expectCleanRun(run)
  })

  it('a query answered 503 three times fails, SERVER_ERROR, saying so', async () => {
    apiAnswers(status(503))
    const run = await send(QUERY)
    expectError(
      run,
      'SERVER_ERROR',
      /HTTP 503 to POST \/api\/v1; tried 3 times\. 1 GraphQL error: "HTTP 503"$/,
      'API_SERVER_ERROR',
    )
    expect(apiRequests()).toHaveLength(3)
    expectCleanRun(run)
  })

  it('an API that never answers: SERVER_ERROR within the timeout', async () => {
    apiAnswers(neverAnswer)
    const run = await send(QUERY)
    expectError(
      run,
      'SERVER_ERROR',
      /POST \/api\/v1 failed: No complete response .*timeout of 1 s/,
      'TIMEOUT',
    )
    expectCleanRun(run)
  })

  it('a body over the size cap: SERVER_ERROR, not buffered', async () => {
    apiAnswers(streamBody(2_000_000))
    const run = await runAction(
      authenticatedGraphqlRequest,
      { query: QUERY },
      settingsFor(server, { maxResponseSizeMB: '0.01' }),
    )
    expectError(run, 'SERVER_ERROR', /larger than 10486 bytes and was not read/, 'TOO_LARGE')
    expectCleanRun(run)
  })

  it('GraphQL errors that echo the token are scrubbed, in the event and in the errors data point', async () => {
    const echo: Responder = (recorded, response) =>
      sendJson(response, 200, {
        data: null,
        errors: [{ message: `token ${recorded.headers['authorization']} lacks a scope` }],
      })
    apiAnswers(echo)
    const failed = await send(QUERY)
    expectError(
      failed,
      'BAD_REQUEST',
      /"token Bearer \[REDACTED\] lacks a scope"/,
      'GRAPHQL_ERRORS',
    )
    expectCleanRun(failed)

    apiAnswers(echo)
    const completed = await send(QUERY, { failOnGraphqlErrors: false })
    expectOutcome(completed, 'complete')
    expect(completed.dataPoints.errors).toContain('[REDACTED]')
    expectCleanRun(completed)
  })
})
