/**
 * Property-based fuzzing of authenticatedGraphqlRequest's GraphQL fields with fast-check: 3,000
 * documents (valid ones built from operations and fragments, cut short, spliced with hostile
 * text, subscriptions, schema definitions, huge ones), variables (objects, prototype keys, wrong
 * types, JSON that is not an object) and operation names (known, unknown, not names). Whatever
 * they are: the handler resolves with exactly one onComplete or onError; an error is WRONG_INPUT
 * naming query, variables or operationName and nothing was sent; a document graphql-js cannot
 * parse always ends so; a completed run sent exactly one request whose body is exactly the
 * fields'; nothing leaks and no prototype is polluted.
 */
import fc from 'fast-check'
import { parse } from 'graphql'
import { authenticatedGraphqlRequest } from '../../extensions/oauthApi/actions/authenticatedGraphqlRequest'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { createHarness } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  routes,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from '../../servers/loopbackServer'
import { CLIENT_SECRET, settingsFor } from '../support/faultFixtures'
import {
  maybeHugeString,
  protoObject,
  prototypeSnapshot,
  weirdString,
  wrongTypeNotNull,
} from '../support/fuzzArbitraries'
import { failIf, hygieneProblem } from '../support/fuzzPayloads'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const RUNS = 3000
const GRAPHQL_PATH = '/api/v1/graphql'
const TOKEN = 'fuzz-Planted-Token-0b7c2e'
const GRAPHQL_FIELDS = ['query', 'variables', 'operationName']

let server: LoopbackServer
beforeAll(async () => {
  server = await startLoopbackServer()
  server.respondWith(
    routes([[GRAPHQL_PATH, (_recorded, response) => sendJson(response, 200, { data: {} })]]),
  )
})
afterAll(() => server.close())

const harness = createHarness(authenticatedGraphqlRequest)
const pristine = prototypeSnapshot()

const name = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,8}$/)

/** One operation or fragment, named or not, maybe with a required variable. */
const definition = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        { weight: 4, arbitrary: fc.constant('query') },
        { weight: 3, arbitrary: fc.constant('mutation') },
        { weight: 1, arbitrary: fc.constant('subscription') },
      ),
      fc.option(name),
      fc.boolean(),
    )
    .map(
      ([type, operationName, withVariable]) =>
        `${type} ${operationName ?? ''}${withVariable ? '($id: ID!)' : ''} { patient(id: ${withVariable ? '$id' : '"1"'}) { id ...F } }`,
    ),
  fc.constant('{ patient(id: "1") { id } }'),
  fc.constant('fragment F on Patient { first_name }'),
  fc.constant('type Patient { id: ID }'),
)

const document = fc.oneof(
  { weight: 8, arbitrary: definition },
  {
    weight: 4,
    arbitrary: fc
      .array(definition, { minLength: 2, maxLength: 3 })
      .map((parts) => parts.join('\n')),
  },
  // Cut short, or spliced with hostile text.
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(definition, { minLength: 1, maxLength: 2 }), fc.nat(), weirdString(8))
      .map(([parts, at, insert]) => {
        const text = parts.join(' ')
        const cut = at % (text.length + 1)
        return `${text.slice(0, cut)}${insert}${text.slice(cut)}`
      }),
  },
  { weight: 1, arbitrary: maybeHugeString(2) },
  { weight: 1, arbitrary: wrongTypeNotNull },
)

const variables = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<unknown>('{"id": "1"}', { id: 'x' }, protoObject({ id: '7' })),
  },
  fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    '{}',
    '{"id": "1"}',
    { id: 1 },
    '[1]',
    '"x"',
    '5',
    '{',
    'null',
  ),
  fc.constant(null).map(() => protoObject({ id: '7' })),
  fc.dictionary(weirdString(6), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc
    .dictionary(weirdString(6), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })
    .map((value) => JSON.stringify(value)),
  wrongTypeNotNull,
)

const operationName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(undefined, '', null) },
  name,
  weirdString(10),
  wrongTypeNotNull,
)

/** The document's text as the action reads it (a string field, trimmed), or undefined. */
const textOf = (query: unknown): string | undefined =>
  typeof query === 'string' && query.trim() !== '' ? query.trim() : undefined

const parses = (text: string): boolean => {
  try {
    parse(text, { maxTokens: 20_000 })
    return true
  } catch {
    return false
  }
}

describe('fuzz: authenticatedGraphqlRequest', () => {
  it(`ends ${RUNS} runs of generated GraphQL fields in one outcome, sending only what parses`, async () => {
    const outcomes = { complete: 0, error: 0 }
    await fc.assert(
      fc.asyncProperty(document, variables, operationName, async (query, vars, opName) => {
        clearCaches()
        server.reset()
        const fields = {
          accessToken: TOKEN,
          path: '/graphql',
          query,
          variables: vars,
          operationName: opName,
        }
        const run = await harness.run(fields, settingsFor(server))
        const sent = server.requestsTo(GRAPHQL_PATH)
        const context = JSON.stringify({ query, vars, opName }).slice(0, 300)
        failIf(hygieneProblem(run, [CLIENT_SECRET, TOKEN], pristine), context)
        if (run.calls !== 1) failIf(`${run.calls} callbacks`, context)
        const text = textOf(query)
        if (run.outcome === 'complete' || run.outcome === 'error') outcomes[run.outcome]++
        if (run.outcome === 'error') {
          const named = GRAPHQL_FIELDS.some((field) => run.message.startsWith(`Field "${field}"`))
          if (run.category !== 'WRONG_INPUT' || !named)
            failIf(`error ${run.category}: ${run.message}`, context)
          if (sent.length > 0) failIf('a request was sent for an invalid payload', context)
          return
        }
        if (text === undefined || !parses(text))
          failIf('completed a document graphql-js cannot parse', context)
        if (sent.length !== 1) failIf(`${sent.length} requests`, context)
        const body = JSON.parse(sent[0].body) as Record<string, unknown>
        expect(body['query']).toBe(text)
        const name = typeof opName === 'string' && opName.trim() !== '' ? opName.trim() : undefined
        expect(body['operationName']).toBe(name)
        expect(sent[0].headers['content-type']).toBe('application/json')
      }),
      { numRuns: RUNS },
    )
    // Both sides of the property were exercised.
    expect(outcomes.complete).toBeGreaterThan(RUNS / 10)
    expect(outcomes.error).toBeGreaterThan(RUNS / 10)
  })
})
