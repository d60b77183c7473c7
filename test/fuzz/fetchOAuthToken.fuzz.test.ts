/**
 * Property-based fuzzing of fetchOAuthToken with fast-check.
 *
 * 1. 10,000 invalid payloads (a valid one plus at least one corruption: wrong types, missing or
 *    malformed settings, prototype keys, control characters, lone surrogates, huge strings):
 *    the handler resolves, exactly one onError with MISSING_SETTINGS/WRONG_INPUT naming the
 *    setting or field at fault, no request reaches the loopback server, no secret is emitted,
 *    Object.prototype stays clean.
 * 2. 300 valid but hostile payloads against a loopback token endpoint: exactly one onComplete
 *    with the issued token, and the token request carries what the settings say.
 */
import fc from 'fast-check'
import { decodeJwt } from 'jose'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { createHarness } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  maybeHugeString,
  prototypeSnapshot,
  wellFormed,
  withProtoKeys,
  wrongTypeNotNull,
} from '../support/fuzzArbitraries'
import {
  applyCorruptions,
  corrupt,
  failIf,
  hygieneProblem,
  invalidRunProblem,
  ROOT,
  secretsOf,
  settingsCorruption,
  validSettings,
  type AuthMode,
  type Corruption,
} from '../support/fuzzPayloads'
import {
  routes,
  startLoopbackServer,
  tokenIssuer,
  type LoopbackServer,
  type RecordedRequest,
} from '../../servers/loopbackServer'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

const INVALID_RUNS = 10_000
const VALID_RUNS = 300

let server: LoopbackServer
let issuer = tokenIssuer()

beforeAll(async () => {
  server = await startLoopbackServer()
})
afterAll(() => server.close())

const harness = createHarness(fetchOAuthToken)
const pristine = prototypeSnapshot()

const validFields = fc
  .record({
    scope: fc.option(maybeHugeString(), { nil: undefined }),
    forceRefresh: fc.constantFrom<unknown>(true, false, 'true', 'false', '', null, undefined),
    proto: fc.boolean(),
  })
  .map(({ proto, ...fields }) => withProtoKeys(fields, proto))

const fieldsCorruption: fc.Arbitrary<Corruption> = fc.oneof(
  corrupt('fields', 'scope', wrongTypeNotNull, 'fields', 'not text'),
  corrupt(
    'fields',
    'forceRefresh',
    fc.oneof(
      fc.constantFrom<unknown>('yes', 'TRUE', 'on', '1', 'false ', 1, 0),
      wrongTypeNotNull.filter((value) => typeof value !== 'boolean'),
    ),
    'fields',
    'not a boolean',
  ),
  fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.array(fc.string())).map((value) => ({
    label: `fields: ${JSON.stringify(value).slice(0, 40)}`,
    stage: 'fields' as const,
    writes: [{ target: 'fields' as const, key: ROOT, value }],
    names: ['(all)'],
  })),
)

const authMode = fc.constantFrom<AuthMode>('secret', 'jwt')

describe('fuzz: fetchOAuthToken', () => {
  it(`refuses ${INVALID_RUNS} invalid payloads before sending anything`, async () => {
    const invalidPayloads = authMode.chain((mode) =>
      fc.record({
        settings: validSettings(mode, server.origin),
        fields: validFields,
        corruptions: fc.array(fc.oneof(settingsCorruption(mode), fieldsCorruption), {
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
        failIf(
          invalidRunProblem(run, expected) ??
            hygieneProblem(run, secretsOf(payload.settings), pristine) ??
            (server.requests.length > 0
              ? `a request was sent: ${server.requests[0].url}`
              : undefined),
          expected.labels.join('; '),
        )
      }),
      { numRuns: INVALID_RUNS },
    )
  })

  it(`completes ${VALID_RUNS} valid but hostile payloads, sending what the settings say`, async () => {
    const validPayloads = authMode.chain((mode) =>
      fc.record({ settings: validSettings(mode, server.origin), fields: validFields }),
    )
    await fc.assert(
      fc.asyncProperty(validPayloads, async ({ settings, fields }) => {
        clearCaches()
        server.reset()
        issuer = tokenIssuer()
        server.respondWith(routes([['/oauth/token', issuer]]))
        const run = await harness.run(fields, settings)
        expect({ outcome: run.outcome, message: run.message }).toEqual({
          outcome: 'complete',
          message: '',
        })
        expect(server.requests).toHaveLength(1)
        expect(run.dataPoints.accessToken).toBe(issuer.issued[0])
        const request = server.requests[0]
        expectTokenRequest(request, settings, fields)
        const assertion = new URLSearchParams(request.body).get('client_assertion')
        const secrets = [
          ...secretsOf(settings),
          ...issuer.issued,
          ...(assertion ? [assertion] : []),
        ]
        failIf(hygieneProblem(run, secrets, pristine), 'valid payload')
      }),
      { numRuns: VALID_RUNS },
    )
  })
})

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined

const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2)

/** The token request carries the grant, the scope and the credentials the settings say. */
const expectTokenRequest = (
  request: RecordedRequest,
  settings: Record<string, unknown>,
  fields: Record<string, unknown>,
): void => {
  expect(request.method).toBe('POST')
  const form = new URLSearchParams(request.body)
  expect(form.get('grant_type')).toBe('client_credentials')
  const scope = text(fields['scope']) ?? text(settings['scope'])
  expect(form.get('scope')).toBe(scope === undefined ? null : wellFormed(scope))
  const clientId = text(settings['clientId']) ?? ''
  const secret = String(settings['clientSecret'])
  const method = text(settings['clientAuthMethod']) ?? 'client_secret_basic'
  const basic = Buffer.from(
    String(request.headers['authorization'] ?? '').replace(/^Basic /, ''),
    'base64',
  ).toString('utf8')
  if (method === 'client_secret_basic') {
    expect(basic).toBe(`${formEncode(clientId)}:${formEncode(secret)}`)
  } else if (method === 'client_secret_basic_unencoded') {
    expect(basic).toBe(`${clientId}:${secret}`)
  } else if (method === 'client_secret_post') {
    expect([form.get('client_id'), form.get('client_secret')]).toEqual([clientId, secret])
  } else {
    expect(request.headers['authorization']).toBeUndefined()
    const claims = decodeJwt(form.get('client_assertion') ?? '')
    expect([claims.iss, claims.sub, claims.aud]).toEqual([
      clientId,
      clientId,
      server.url('/oauth/token'),
    ])
  }
}
