/**
 * Property-based fuzzing of authenticatedApiCall with fast-check.
 *
 * 1. 10,000 invalid payloads (a valid one plus at least one corruption: wrong types, paths that
 *    leave the API base, header injection, unusable tokens, GET with a body, bad settings…):
 *    the handler resolves, exactly one onError with MISSING_SETTINGS/WRONG_INPUT naming the
 *    setting or field at fault, no request reaches the loopback server, no secret is emitted,
 *    Object.prototype stays clean.
 * 2. 300 valid but hostile payloads (odd paths, query and header values, JSON bodies with
 *    prototype keys, one-step and two-step) against a loopback API answering 200: exactly one
 *    onComplete, and the API receives exactly the request the fields describe.
 */
import fc from 'fast-check'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { createHarness } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  CONTROL_CHARACTERS,
  LONE_SURROGATES,
  maybeHugeString,
  PROTO_KEYS,
  protoObject,
  prototypeSnapshot,
  wellFormed,
  weirdString,
  withProtoKeys,
  wrongTypeNotNull,
} from '../support/fuzzArbitraries'
import {
  applyCorruptions,
  corrupt,
  failIf,
  hygieneProblem,
  invalidRunProblem,
  OMIT,
  ROOT,
  secretsOf,
  settingsCorruption,
  validSettings,
  type AuthMode,
  type Corruption,
} from '../support/fuzzPayloads'
import {
  routes,
  sendJson,
  startLoopbackServer,
  tokenIssuer,
  type LoopbackServer,
  type RecordedRequest,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const INVALID_RUNS = 10_000
const VALID_RUNS = 300
const BASE_PATH = '/api/v1/'
const TOKEN_PATH = '/oauth/token'

let server: LoopbackServer

beforeAll(async () => {
  server = await startLoopbackServer()
})
afterAll(() => server.close())

const harness = createHarness(authenticatedApiCall)
const pristine = prototypeSnapshot()
const authMode = fc.constantFrom<AuthMode>('secret', 'jwt')

// ---------------------------------------------------------------------------------------------
// Valid fields.

/** RFC 6750 b64token, opaque (no dots, so never read as a JWT). */
const b64token = fc
  .stringMatching(/^[A-Za-z0-9\-_~+/]{8,40}={0,2}$/)
  // Distinctive, so that a leak cannot be a coincidence (a token "_proto__" is in the words
  // of an error about a header named "__proto__").
  .map((token) => `Tk9${token}`)

/**
 * A path segment that stays where it is: never a dot segment, no "/", "\\", "?" or "#", and
 * no percent-encoded slash or dot (refused: a server that decodes them could climb).
 */
const plainSegment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,10}$/)
const segment = fc.oneof(
  plainSegment,
  weirdString(10)
    .filter((text) => !/[/\\?#]|%(2f|5c|2e|25)/i.test(text))
    .map((text) => `s${text}`),
)

/**
 * Paths under the base: "/a/b", "a/b" (its first segment without ":", else it would read as a
 * scheme, RFC 3986 §4.2) and absolute URLs under the base.
 */
const validPath = (origin: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.array(segment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
    fc
      .tuple(plainSegment, fc.array(segment, { maxLength: 3 }))
      .map(([first, rest]) => [first, ...rest].join('/')),
    fc
      .array(segment, { maxLength: 3 })
      .map((segments) => `${origin}${BASE_PATH}${segments.join('/')}`),
  )

const queryValue = fc.oneof(
  weirdString(16),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(weirdString(8), fc.integer()), { maxLength: 3 }),
)

/** JSON text with own prototype keys, which only JSON.parse makes. */
const jsonWithProtoKeys = (object: Record<string, unknown>, values: [string, string]): string => {
  const members = Object.entries(object).map(
    ([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`,
  )
  members.unshift(`"__proto__":${values[0]}`, `"constructor":${values[1]}`)
  return `{${members.join(',')}}`
}

/** An object value, as a value or as JSON text (maybe with own prototype keys). */
const asFieldValue = (
  object: fc.Arbitrary<Record<string, unknown>>,
  protoValues: [string, string],
): fc.Arbitrary<unknown> =>
  fc.oneof(
    object,
    object.map((value) => JSON.stringify(value, null, 1)),
    object.map((value) => jsonWithProtoKeys(value, protoValues)),
  )

const query = asFieldValue(fc.dictionary(weirdString(10), queryValue, { maxKeys: 4 }), [
  '"p"',
  '["c1","c2"]',
])

/** Header values Node sends as they are: Latin-1 without control characters (HTAB allowed). */
const headerValue = fc.string({
  unit: fc.oneof(
    { weight: 10, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('\t', '\u00e9', '\u00ff', '\u0085', '\u00a0') },
  ),
  maxLength: 40,
})
const headers = asFieldValue(
  fc.dictionary(fc.stringMatching(/^x-f-[a-z0-9-]{1,10}$/), headerValue, { maxKeys: 4 }),
  ['"p"', '"c"'],
)

const jsonBody = fc.oneof(
  // A string field value is JSON text: a JSON string value travels as its JSON text.
  {
    weight: 20,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .map((value) => (typeof value === 'string' ? JSON.stringify(value) : value)),
  },
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(weirdString(8), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
      .map((value) =>
        jsonWithProtoKeys(value, ['{"polluted":"yes"}', '{"prototype":{"polluted":1}}']),
      ),
  },
  { weight: 1, arbitrary: fc.constant(null).map(() => protoObject({ id: 1 })) },
  { weight: 1, arbitrary: maybeHugeString(30).map((text) => ({ note: text })) },
)

const emptyBody = fc.constantFrom<unknown>(undefined, null, '', '  ', {}, '{}', [], '[]')

const validFields = (origin: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record(
      {
        accessToken: b64token,
        tokenExpiresAt: fc.constantFrom<unknown>(undefined, '', null, '2999-01-01T00:00:00Z'),
        method: fc.constantFrom<unknown>(
          undefined,
          null,
          '',
          'GET',
          'get',
          ' post ',
          'PUT',
          'patch',
          'DELETE',
        ),
        path: validPath(origin),
        query,
        headers,
        body: jsonBody,
        emptyBody,
        failOnHttpError: fc.constantFrom<unknown>(true, false, 'true', 'false', '', null),
        renewOnStatus: fc.constantFrom<unknown>('401', '401, 403', ' 400 ,401 ', '', '500', null),
        proto: fc.boolean(),
      },
      { requiredKeys: ['accessToken', 'path', 'method', 'body', 'emptyBody', 'proto'] },
    )
    .map(({ proto, body, emptyBody: empty, ...fields }) =>
      withProtoKeys({ ...fields, body: methodOf(fields) === 'GET' ? empty : body }, proto),
    )

const methodOf = (fields: Record<string, unknown>): string =>
  (typeof fields['method'] === 'string' ? fields['method'] : '').trim().toUpperCase() || 'GET'

// ---------------------------------------------------------------------------------------------
// Field corruptions.

const fieldCorruption = (
  key: string,
  values: fc.Arbitrary<unknown>,
  label: string,
  stage: 'fields' | 'request' = 'fields',
) => corrupt('fields', key, values, stage, label)

/** Paths that leave the API base (or are not URLs at all). */
const outsidePath = (origin: string): fc.Arbitrary<string> => {
  const { host, port } = new URL(origin)
  return fc.oneof(
    fc.constantFrom(
      '//evil.example/x',
      '\\\\evil',
      '/\\evil',
      '\\/evil',
      ' //127.0.0.1/api/v1/x',
      '\t//evil',
      '../x',
      '../../x',
      '%2e%2e/x',
      '%2E%2E/%2e%2e/x',
      '.%2e/x',
      '..\\x',
      'a/../../x',
      './../x',
      'http://other.example/api/v1/x',
      'https://evil.example/api/v1/x',
      'http://127.0.0.1:1/api/v1/x',
      `${origin}/other`,
      `${origin}/api/v1x/y`,
      `${origin}/api/v2/`,
      `http://user:pw@${host}/api/v1/x`,
      `http://localhost:${port}/api/v1/x`,
      `${origin}/api/v1/../admin`,
      `${origin}/api/v1/%2e%2e/admin`,
      `${origin}/api/v1/..;/admin`,
      '..;/x',
      'a/..;/..;/x',
      '.;jsessionid=x/y',
      '%2e%2e;x/y',
      '%252e%252e/x',
      'a%252fb',
      'a%255c..%255cx',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/plain,x',
      'http://[::1',
    ),
    fc
      .tuple(
        fc.constantFrom('../', '%2e%2e/', '..\\', '.%2e/', '../../', '/../'),
        weirdString(12).filter((text) => !/[/\\]/.test(text)),
      )
      .map(([climb, tail]) => `${climb}z${tail}`),
    // Long, but within the field's bound (8 KB): refused for its climb, not its length.
    fc.integer({ min: 1_000, max: 8_000 }).map((n) => `../${'z'.repeat(n)}`),
  )
}

const badHeaderEntry: fc.Arbitrary<[string, string]> = fc.oneof(
  fc
    .constantFrom('', 'a b', 'a:b', 'x\r\ny', '\u00e9', 'a\0', '(x)', '{', 'x"', 'X-A\n')
    .map((name): [string, string] => [name, 'v']),
  fc
    .constantFrom(
      'Authorization',
      'authorization',
      'HOST',
      'Content-Length',
      'transfer-encoding',
      'Connection',
      'upgrade',
      'te',
      'trailer',
      'keep-alive',
      'proxy-authorization',
    )
    .map((name): [string, string] => [name, 'Bearer stolen']),
  fc
    .tuple(
      weirdString(6),
      fc.constantFrom(...CONTROL_CHARACTERS.filter((c) => c !== '\u0085')),
      weirdString(6),
    )
    .map(([before, control, after]): [string, string] => [
      'X-Inject',
      `${before}${control}${after}`,
    ]),
  fc
    .tuple(fc.constantFrom('\u20ac', '\ud83d\ude00', ...LONE_SURROGATES), weirdString(6))
    .map(([wide, rest]): [string, string] => ['X-Wide', `v${wide}${rest}`]),
  // Long, but within the field's bound (8 KB a value): refused for its CR/LF when the request is
  // built; longer values are the bounds' corruption below.
  fc
    .integer({ min: 1_000, max: 8_000 })
    .map((n): [string, string] => [
      'X-Huge',
      `${'v'.repeat(n >> 1)}\r\nX-Injected: 1${'v'.repeat(n >> 1)}`,
    ]),
)

const unusableToken = fc
  .tuple(
    fc.stringMatching(/^[A-Za-z0-9]{6,12}$/),
    fc.constantFrom(
      ' ',
      '\r',
      '\n',
      '\0',
      '"',
      ',',
      '\u00e9',
      '\u20ac',
      '%',
      '=x',
      '\\',
      '(',
      '@',
      ';',
      ...LONE_SURROGATES,
    ),
    fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`)

/** Field values beyond the bounds real use never reaches (FIELD_LIMITS), as objects or JSON. */
const asObjectOrJson = (value: unknown): fc.Arbitrary<unknown> =>
  fc.constantFrom(value, JSON.stringify(value))
const tooManyHeaders = fc
  .integer({ min: 101, max: 300 })
  .chain((count) =>
    asObjectOrJson(Object.fromEntries(Array.from({ length: count }, (_u, i) => [`x-h-${i}`, 'v']))),
  )
const tooManyParameters = fc.oneof(
  fc
    .integer({ min: 201, max: 500 })
    .chain((count) =>
      asObjectOrJson(Object.fromEntries(Array.from({ length: count }, (_u, i) => [`p${i}`, i]))),
    ),
  fc
    .integer({ min: 201, max: 500 })
    .map((count) => ({ _id: Array.from({ length: count }, String) })),
  fc.integer({ min: 8193, max: 20_000 }).map((length) => ({ q: 'q'.repeat(length) })),
)
const tooDeepOrLarge = fc.oneof(
  fc.integer({ min: 65, max: 2000 }).map((depth) => `${'['.repeat(depth)}0${']'.repeat(depth)}`),
  fc.integer({ min: 65, max: 2000 }).map((depth) => {
    let value: unknown = 0
    for (let level = 0; level < depth; level++) value = { a: value }
    return value
  }),
  fc.constant({ big: 'b'.repeat(10 * 1024 * 1024 + 1) }),
)

const fieldsCorruption = (origin: string): fc.Arbitrary<Corruption> =>
  fc.oneof(
    fieldCorruption('accessToken', wrongTypeNotNull, 'not text'),
    fieldCorruption(
      'tokenExpiresAt',
      fc.oneof(
        fc.constantFrom(
          'tomorrow',
          '2024-13-45T00:00:00Z',
          '12345',
          '2024-01-01',
          '2024-01-01T25:99:00Z',
        ),
        wrongTypeNotNull,
      ),
      'not an ISO date-time',
    ),
    fieldCorruption(
      'method',
      fc.oneof(
        fc.constantFrom('HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'GE T', 'G\r\nET', 'PO\0ST'),
        weirdString(8).filter(
          (text) =>
            !['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(text.trim().toUpperCase()),
        ),
        wrongTypeNotNull,
      ),
      'unknown method',
    ),
    fieldCorruption(
      'path',
      fc.oneof(fc.constantFrom<unknown>(OMIT, '', '   ', null), wrongTypeNotNull),
      'missing or not text',
    ),
    fieldCorruption(
      'query',
      fc.oneof(
        fc.constantFrom<unknown>(
          '{',
          '[]',
          '5',
          '"x"',
          'null',
          'true',
          '{"a":{}}',
          '{"a":null}',
          '{"a":[{}]}',
          '{"__proto__":{"polluted":"yes"}}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
          5,
          true,
          [['a', 'b']],
          { a: Number.NaN },
          { a: { b: 1 } },
        ),
        fc.constant(null).map(() => protoObject()),
        weirdString().map((text) => `x${text}`),
      ),
      'not a JSON object of scalars',
    ),
    fieldCorruption(
      'headers',
      fc.oneof(
        fc.constantFrom<unknown>(
          '{',
          '[]',
          '5',
          'null',
          '{"a":{}}',
          '{"a":null}',
          '{"a":true}',
          '{"__proto__":{"polluted":"yes"}}',
          [1],
          7,
        ),
        fc.constant(null).map(() => protoObject()),
      ),
      'not a JSON object of strings',
    ),
    fieldCorruption(
      'body',
      fc.oneof(
        fc.constantFrom('{', "{'a':1}", 'undefined', 'NaN'),
        weirdString().map((text) => `x${text}`),
      ),
      'not JSON',
    ),
    fieldCorruption(
      'failOnHttpError',
      fc.oneof(
        fc.constantFrom<unknown>('yes', 'TRUE', '1', 1, 0, 'on'),
        wrongTypeNotNull.filter((value) => typeof value !== 'boolean'),
      ),
      'not a boolean',
    ),
    fieldCorruption(
      'renewOnStatus',
      fc.oneof(
        fc.constantFrom<unknown>('200', '600', '40', 'abc', '401;403', ',', '401, 200', '399'),
        wrongTypeNotNull,
      ),
      'not a list of 4xx/5xx statuses',
    ),
    fc
      .oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }))
      .map((value) => ({
        label: `fields: ${JSON.stringify(value).slice(0, 40)}`,
        stage: 'fields' as const,
        writes: [{ target: 'fields' as const, key: ROOT, value }],
        names: ['(all)'],
      })),
    fieldCorruption('path', outsidePath(origin), 'outside the API base', 'request'),
    fc
      .tuple(badHeaderEntry, fc.boolean())
      .map(([[name, value], asJson]) => {
        const object = { 'X-Fine': 'ok', [name]: value }
        return asJson ? JSON.stringify(object) : object
      })
      .chain((value) => fieldCorruption('headers', fc.constant(value), 'unsafe header', 'request')),
    fc
      .tuple(
        fc.constantFrom<unknown>('GET', 'get', ' get ', '', null, OMIT),
        fc.constantFrom<unknown>({ a: 1 }, '{"a":1}', 5, '0', 'true', false, [1], '"x"'),
      )
      .map(([method, body]) => ({
        label: 'fields.body: a body with GET',
        stage: 'request' as const,
        writes: [
          { target: 'fields' as const, key: 'method', value: method },
          { target: 'fields' as const, key: 'body', value: body },
        ],
        names: ['body'],
      })),
    fieldCorruption('accessToken', unusableToken, 'not a b64token'),
    fieldCorruption(
      'bodyFormat',
      fc.oneof(
        fc.constantFrom<unknown>('xml', 'JSON', 'form-data', 'fhir json', 5, true, [], {}),
        weirdString().map((text) => `x${text}`),
      ),
      'not a body format',
    ),
    fieldCorruption(
      'maxPages',
      fc.oneof(
        fc.constantFrom<unknown>(0, 101, 1.5, -1, '2.0', 'abc', true, [], {}, 1e21),
        fc.integer({ min: 101 }),
        fc.integer({ max: 0 }),
      ),
      'not a page count from 1 to 100',
    ),
    // Text beside the default json format: the body belongs in "body".
    fieldCorruption(
      'bodyText',
      weirdString().map((text) => `x${text}`),
      'bodyText without format text',
    ),
    fieldCorruption(
      'idempotencyKey',
      fc.constantFrom('k\r\nX-Evil: 1', 'a\nb', 'nul\u0000', 'euro €'),
      'unsendable Idempotency-Key',
      'request',
    ),
    fieldCorruption('headers', tooManyHeaders, 'beyond the limits'),
    fieldCorruption('query', tooManyParameters, 'beyond the limits'),
    fieldCorruption('body', tooDeepOrLarge, 'beyond the limits'),
    fieldCorruption(
      'path',
      fc.integer({ min: 8193, max: 50_000 }).map((n) => `/${'p'.repeat(n)}`),
      'longer than 8 KB',
    ),
  )

// ---------------------------------------------------------------------------------------------
// The properties.

describe('fuzz: authenticatedApiCall', () => {
  it(`refuses ${INVALID_RUNS} invalid payloads before sending anything`, async () => {
    const invalidPayloads = authMode.chain((mode) =>
      fc.record({
        settings: validSettings(mode, server.origin),
        fields: validFields(server.origin),
        corruptions: fc.array(fc.oneof(settingsCorruption(mode), fieldsCorruption(server.origin)), {
          minLength: 1,
          maxLength: 3,
        }),
      }),
    )
    await fc.assert(
      fc.asyncProperty(invalidPayloads, async ({ settings, fields, corruptions }) => {
        clearCaches()
        server.reset()
        const { payload, expected } = applyCorruptions({ settings, fields }, corruptions)
        const run = await harness.run(payload.fields, payload.settings)
        const given = (payload.fields as Record<string, unknown> | null)?.['accessToken']
        const secrets = [
          ...secretsOf(payload.settings),
          ...(typeof given === 'string' && given.trim().length >= 4 ? [given.trim()] : []),
        ]
        failIf(
          invalidRunProblem(run, expected) ??
            hygieneProblem(run, secrets, pristine) ??
            (server.requests.length > 0
              ? `a request was sent: ${server.requests[0].url}`
              : undefined),
          expected.labels.join('; '),
        )
      }),
      { numRuns: INVALID_RUNS },
    )
  })

  it(`completes ${VALID_RUNS} valid but hostile payloads, sending exactly what the fields say`, async () => {
    const validPayloads = authMode.chain((mode) =>
      fc.record({
        settings: validSettings(mode, server.origin),
        fields: validFields(server.origin),
        oneStep: fc.boolean(),
      }),
    )
    await fc.assert(
      fc.asyncProperty(validPayloads, async ({ settings, fields: generated, oneStep }) => {
        clearCaches()
        server.reset()
        const issuer = tokenIssuer()
        server.respondWith(
          routes([
            [TOKEN_PATH, issuer],
            [BASE_PATH, (_recorded, response) => sendJson(response, 200, { ok: true })],
          ]),
        )
        const fields = oneStep ? { ...generated, accessToken: undefined } : generated
        const run = await harness.run(fields, settings)
        expect({ outcome: run.outcome, message: run.message }).toEqual({
          outcome: 'complete',
          message: '',
        })
        expect(server.requestsTo(TOKEN_PATH)).toHaveLength(oneStep ? 1 : 0)
        const api = server.requestsTo(BASE_PATH)
        expect(api).toHaveLength(1)
        const token = oneStep ? issuer.issued[0] : String(fields['accessToken']).trim()
        expect(run.dataPoints.accessToken).toBe(token)
        expect(run.dataPoints.statusCode).toBe('200')
        expectApiRequest(api[0], fields, token)
        const given = typeof fields['accessToken'] === 'string' ? [fields['accessToken']] : []
        failIf(
          hygieneProblem(run, [...secretsOf(settings), ...issuer.issued, ...given], pristine),
          'valid payload',
        )
      }),
      { numRuns: VALID_RUNS },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// What the API must receive.

const parsedJson = (value: unknown): unknown => {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') return value
  return value.trim() === '' ? undefined : JSON.parse(value)
}

const expectedQuery = (value: unknown): Array<[string, string]> =>
  Object.entries((parsedJson(value) ?? {}) as Record<string, unknown>).flatMap(([name, entry]) =>
    (Array.isArray(entry) ? entry : [entry]).map((item): [string, string] => [
      wellFormed(name),
      wellFormed(String(item)),
    ]),
  )

/**
 * Header names are case-insensitive: the last one set wins. Headers named like prototype keys
 * never arrive (a "__proto__" key cannot hold a string; axios drops "constructor" and
 * "prototype"): they are only checked not to pollute anything.
 */
const expectedHeaders = (value: unknown): Map<string, string> => {
  const expected = new Map<string, string>()
  for (const [name, entry] of Object.entries(
    (parsedJson(value) ?? {}) as Record<string, unknown>,
  )) {
    if (!PROTO_KEYS.includes(name)) expected.set(name.toLowerCase(), String(entry))
  }
  return expected
}

const expectedBody = (fields: Record<string, unknown>): string | undefined => {
  const body = parsedJson(fields['body'])
  if (methodOf(fields) === 'GET') return undefined
  return body === undefined ? undefined : JSON.stringify(body)
}

/** Node's parser drops leading and trailing spaces and tabs of a header value. */
const trimOws = (text: string): string => text.replace(/^[ \t]+|[ \t]+$/g, '')

const expectApiRequest = (
  request: RecordedRequest,
  fields: Record<string, unknown>,
  token: string,
): void => {
  const url = new URL(request.url, server.origin)
  expect(`${url.pathname}/`.startsWith(BASE_PATH)).toBe(true)
  expect(request.method).toBe(methodOf(fields))
  expect(request.headers['authorization']).toBe(`Bearer ${token}`)
  expect([...url.searchParams]).toEqual(expectedQuery(fields['query']))
  for (const [name, value] of expectedHeaders(fields['headers'])) {
    expect([name, request.headers[name]]).toEqual([name, trimOws(value)])
  }
  const body = expectedBody(fields)
  expect(request.body).toBe(body ?? '')
  if (body !== undefined) expect(request.headers['content-type']).toBe('application/json')
}
