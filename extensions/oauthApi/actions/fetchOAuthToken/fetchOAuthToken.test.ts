import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { errorOf, runAction } from '../../__mocks__/oauthApiTestKit/actionRun'
import { useStubServer, type StubRequest } from '../../__mocks__/oauthApiTestKit/stubServer'
import { verifiedJws } from '../../__mocks__/oauthApiTestKit/verifyJws'
import { keyThumbprint } from '../../lib/oauth/publicJwk'
import { fetchOAuthToken } from './fetchOAuthToken'

/** The authorization server: a real server on 127.0.0.1. */
const auth = useStubServer()
const tokenUrl = (): string => `${auth.origin}/oauth2/token`
/** A secret and an id with the characters that RFC 6749 §2.3.1 encoding changes. */
const CLIENT_ID = 'care flow+client:1'
const CLIENT_SECRET = "s3cr3t+/:% x!'()*~é"

const settings = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  tokenUrl: tokenUrl(),
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: 'https://api.example.com/fhir',
  ...overrides,
})

const tokenBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  access_token: `at-${Math.random().toString(36).slice(2)}-long-enough`,
  token_type: 'Bearer',
  expires_in: 3600,
  ...extra,
})

const formOf = (request: StubRequest): URLSearchParams => new URLSearchParams(request.body)

/** The token endpoint answers `times` requests with `answer`. */
const tokenEndpoint = (
  answer: Parameters<typeof auth.on>[2],
  options?: Parameters<typeof auth.on>[3],
): ReturnType<typeof auth.on> => auth.on('POST', '/oauth2/token', answer, options)

describe('fetchOAuthToken: the client credentials grant (RFC 6749 §4.4)', () => {
  it('sends client_secret_basic with id and secret form-encoded before base64 (§2.3.1)', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ scope: 'system/Patient.rs', audience: 'https://api' }),
    )
    expect(run.outcome).toBe('complete')
    const [request] = endpoint.requests
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/)
    expect(request.headers['accept']).toBe('application/json')
    const expected = 'care+flow%2Bclient%3A1:s3cr3t%2B%2F%3A%25+x%21%27%28%29*%7E%C3%A9'
    expect(request.headers['authorization']).toBe(
      `Basic ${Buffer.from(expected).toString('base64')}`,
    )
    expect(Object.fromEntries(formOf(request))).toEqual({
      grant_type: 'client_credentials',
      scope: 'system/Patient.rs',
      audience: 'https://api',
    })
  })

  it('sends client_secret_post credentials in the body and no Authorization header', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ clientAuthMethod: 'client_secret_post' }),
    )
    expect(run.outcome).toBe('complete')
    const [request] = endpoint.requests
    expect(request.headers['authorization']).toBeUndefined()
    expect(formOf(request).get('client_id')).toBe(CLIENT_ID)
    expect(formOf(request).get('client_secret')).toBe(CLIENT_SECRET)
  })

  it('sends client_secret_basic_unencoded as plain id:secret', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ clientId: 'plain-id', clientAuthMethod: 'client_secret_basic_unencoded' }),
    )
    expect(run.outcome).toBe('complete')
    expect(endpoint.requests[0].headers['authorization']).toBe(
      `Basic ${Buffer.from(`plain-id:${CLIENT_SECRET}`).toString('base64')}`,
    )
  })

  it('saves every data point as a string; accepts "bearer" and expires_in as a string', async () => {
    const body = tokenBody({ token_type: 'bearer', expires_in: '570', scope: 'system/Patient.rs' })
    tokenEndpoint([200, body])
    const before = Date.now()
    const run = await runAction(fetchOAuthToken, {}, settings())
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints).toMatchObject({
      accessToken: body.access_token,
      tokenType: 'bearer',
      expiresIn: '570',
      scope: 'system/Patient.rs',
    })
    const expiresAt = Date.parse(run.dataPoints.expiresAt as string)
    expect(run.dataPoints.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(expiresAt).toBeGreaterThanOrEqual(before + 569_000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 571_000)
    expect(run.events[0].text.en).toBe(
      'Fetched a new OAuth token: valid for 570 s, scope "system/Patient.rs".',
    )
    expect(run.emitted).not.toContain(body.access_token)
  })

  it('reports the requested scope when the server omits it, and no lifetime without expires_in', async () => {
    tokenEndpoint([200, tokenBody({ expires_in: undefined })])
    const run = await runAction(
      fetchOAuthToken,
      { scope: 'patient.read' },
      settings({ scope: 'other' }),
    )
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.scope).toBe('patient.read')
    expect(run.dataPoints.expiresIn).toBeUndefined()
    expect(run.dataPoints.expiresAt).toBeUndefined()
    expect(run.events[0].text.en).toContain('lifetime unknown (not stated by the server')
  })

  it('quotes error and error_description of an RFC 6749 §5.2 error, as BAD_REQUEST', async () => {
    tokenEndpoint([
      400,
      { error: 'invalid_scope', error_description: 'scope patient.write is not allowed' },
    ])
    const run = await runAction(fetchOAuthToken, {}, settings())
    expect(run.outcome).toBe('error')
    expect(errorOf(run)).toEqual({
      category: 'BAD_REQUEST',
      code: 'TOKEN_REQUEST_REFUSED',
      message:
        'The token endpoint refused the request (HTTP 400): error "invalid_scope", error_description "scope patient.write is not allowed"',
    })
  })

  it('never repeats the client secret that a server echoes back', async () => {
    tokenEndpoint([
      401,
      { error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` },
    ])
    const run = await runAction(fetchOAuthToken, {}, settings())
    expect(errorOf(run).code).toBe('TOKEN_REQUEST_REFUSED')
    expect(errorOf(run).message).toContain('error_description "bad secret [REDACTED]"')
    expect(run.emitted).not.toContain(CLIENT_SECRET)
  })

  it.each([
    ['HTML', '<html>Login</html>', 'a body that is not a JSON object', 'TOKEN_RESPONSE_INVALID'],
    ['an empty body', '', 'an empty body', 'TOKEN_RESPONSE_INVALID'],
    [
      'no access_token',
      JSON.stringify({ token_type: 'Bearer' }),
      'no usable "access_token"',
      'TOKEN_RESPONSE_INVALID',
    ],
    [
      'a non-Bearer token',
      JSON.stringify({ access_token: 'abcdef', token_type: 'DPoP' }),
      'only Bearer',
      'TOKEN_TYPE_UNSUPPORTED',
    ],
  ])(
    'ends a 200 with %s in SERVER_ERROR saying what is missing',
    async (_case, body, says, code) => {
      tokenEndpoint([200, body])
      const run = await runAction(fetchOAuthToken, {}, settings())
      expect(run.outcome).toBe('error')
      expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code })
      expect(errorOf(run).message).toContain(says)
    },
  )

  it.each([
    [{ tokenUrl: undefined }, 'Setting "tokenUrl"'],
    [{ clientId: '' }, 'Setting "clientId"'],
    [{ clientSecret: undefined }, 'Setting "clientSecret"'],
    [{ tokenUrl: 'http://auth.example.com/token' }, 'must use https'],
    [{ clientAuthMethod: 'magic' }, 'Setting "clientAuthMethod"'],
    [{ clientAuthMethod: 'private_key_jwt' }, 'Setting "privateKey"'],
    [{ extraTokenParams: '{"client_secret":"x"}' }, 'Setting "extraTokenParams"'],
    [{ resource: 'not a uri' }, 'Setting "resource"'],
    [{ timeoutSeconds: 'soon' }, 'Setting "timeoutSeconds"'],
  ])('refuses settings %j with MISSING_SETTINGS naming the setting', async (overrides, names) => {
    tokenEndpoint([200, tokenBody()])
    const run = await runAction(fetchOAuthToken, {}, settings(overrides))
    expect(run.outcome).toBe('error')
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
    expect(errorOf(run).message).toContain(names)
    expect(auth.requests).toHaveLength(0)
  })

  it('sends resource (RFC 8707) and extra token parameters', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()])
    await runAction(
      fetchOAuthToken,
      {},
      settings({
        resource: 'https://api.example.com/fhir',
        extraTokenParams: '{"tenant":"t1","n":2}',
      }),
    )
    const form = formOf(endpoint.requests[0])
    expect(form.get('resource')).toBe('https://api.example.com/fhir')
    expect(form.get('tenant')).toBe('t1')
    expect(form.get('n')).toBe('2')
  })
})

describe('fetchOAuthToken: the token cache', () => {
  it('sends 1 token request for 1,000 sequential runs, and says the token was reused', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()], { times: 1000 })
    let last = await runAction(fetchOAuthToken, {}, settings())
    for (let run = 1; run < 1000; run++) last = await runAction(fetchOAuthToken, {}, settings())
    expect(endpoint.requests).toHaveLength(1)
    expect(last.events[0].text.en).toMatch(/^Reused a cached OAuth token: valid for 3\d{3} s/)
  })

  it('sends 1 token request for 200 concurrent runs on a cold cache (single-flight)', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()], { times: 200, delayMs: 50 })
    const runs = await Promise.all(
      Array.from({ length: 200 }, () => runAction(fetchOAuthToken, {}, settings())),
    )
    expect(endpoint.requests).toHaveLength(1)
    expect(new Set(runs.map((run) => run.dataPoints.accessToken)).size).toBe(1)
    expect(runs.every((run) => run.outcome === 'complete')).toBe(true)
  })

  it('sends a new request with forceRefresh, and one per distinct scope', async () => {
    const endpoint = tokenEndpoint(() => [200, tokenBody()], { times: 10 })
    const first = await runAction(fetchOAuthToken, {}, settings())
    const forced = await runAction(fetchOAuthToken, { forceRefresh: true }, settings())
    await runAction(fetchOAuthToken, { scope: 'a' }, settings())
    await runAction(fetchOAuthToken, { scope: 'b' }, settings())
    await runAction(fetchOAuthToken, { scope: 'a' }, settings())
    expect(endpoint.requests).toHaveLength(4)
    expect(forced.dataPoints.accessToken).not.toBe(first.dataPoints.accessToken)
    expect(forced.events[0].text.en).toMatch(/^Fetched a new OAuth token/)
  })

  it('does not cache failures', async () => {
    tokenEndpoint([400, { error: 'invalid_client' }])
    tokenEndpoint([200, tokenBody()])
    expect((await runAction(fetchOAuthToken, {}, settings())).outcome).toBe('error')
    expect((await runAction(fetchOAuthToken, {}, settings())).outcome).toBe('complete')
  })
})

describe('fetchOAuthToken: private_key_jwt (RFC 7523 §2.2, SMART Backend Services)', () => {
  const keyPairs: Record<string, { privateKey: KeyObject; publicKey: KeyObject }> = {
    RS384: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  }

  it.each(['RS384', 'ES384'])(
    'signs a fresh %s assertion per request, with a unique jti',
    async (alg) => {
      const { privateKey, publicKey } = keyPairs[alg]
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      const endpoint = tokenEndpoint(() => [200, tokenBody()], { times: 3 })
      const assertionOf = (run: number): string =>
        formOf(endpoint.requests[run]).get('client_assertion') as string
      // Settings are single-line: the PEM arrives with literal \n.
      const jwtSettings = settings({
        clientAuthMethod: 'private_key_jwt',
        clientSecret: undefined,
        privateKey: pem.replace(/\n/g, '\\n'),
        privateKeyId: 'key-1',
        signingAlgorithm: alg,
      })
      for (let run = 0; run < 3; run++) {
        const result = await runAction(fetchOAuthToken, { forceRefresh: true }, jwtSettings)
        expect(result.outcome).toBe('complete')
        expect(result.emitted).not.toContain(assertionOf(run))
        expect(result.emitted).not.toContain(pem.split('\n')[1])
      }
      const jtis = new Set<string>()
      for (const request of endpoint.requests) {
        expect(request.headers['authorization']).toBeUndefined()
        const form = formOf(request)
        expect(form.get('client_assertion_type')).toBe(
          'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        )
        expect(form.get('client_id')).toBeNull()
        const assertion = form.get('client_assertion') as string
        const { header, payload } = verifiedJws(assertion, publicKey, alg)
        expect(header).toEqual({ alg, kid: 'key-1', typ: 'JWT' })
        expect(payload).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: tokenUrl() })
        const { exp, iat } = payload as { exp: number; iat: number }
        expect(Math.abs(iat - Date.now() / 1000)).toBeLessThan(60)
        expect(exp - iat).toBeGreaterThan(0)
        expect(exp - iat).toBeLessThanOrEqual(300)
        expect(typeof payload.jti).toBe('string')
        expect((payload.jti as string).length).toBeLessThanOrEqual(151)
        jtis.add(payload.jti as string)
      }
      expect(jtis.size).toBe(3)
    },
  )

  it('signs a new assertion for a retried token request (servers refuse a replayed jti)', async () => {
    const pem = keyPairs.RS384.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const endpoint = tokenEndpoint(
      () => (endpoint.requests.length === 1 ? [503, 'busy'] : [200, tokenBody()]),
      { times: 2 },
    )
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ clientAuthMethod: 'private_key_jwt', clientSecret: undefined, privateKey: pem }),
    )
    expect(run.outcome).toBe('complete')
    const assertions = endpoint.requests.map((request) => formOf(request).get('client_assertion'))
    expect(assertions).toHaveLength(2)
    expect(assertions[0]).not.toBe(assertions[1])
  })

  it('accepts a private JWK, and refuses a key that does not fit the algorithm', async () => {
    const jwk = JSON.stringify(keyPairs.ES384.privateKey.export({ format: 'jwk' }))
    tokenEndpoint([200, tokenBody()])
    const base = { clientAuthMethod: 'private_key_jwt', clientSecret: undefined, privateKey: jwk }
    const ok = await runAction(
      fetchOAuthToken,
      {},
      settings({ ...base, signingAlgorithm: 'ES384' }),
    )
    expect(ok.outcome).toBe('complete')
    const wrong = await runAction(
      fetchOAuthToken,
      {},
      settings({ ...base, signingAlgorithm: 'RS384' }),
    )
    expect(errorOf(wrong)).toEqual({
      category: 'MISSING_SETTINGS',
      code: 'INVALID_SETTING',
      message: 'Setting "privateKey": is not an RSA key (needed for RS384)',
    })
    expect(wrong.emitted).not.toContain((JSON.parse(jwk) as { d: string }).d)
  })
})

describe('fetchOAuthToken: discovery of the token endpoint', () => {
  it('uses OpenID Connect discovery and caches the metadata', async () => {
    const AUTH = auth.origin
    const metadata = auth.on('GET', '/tenant/.well-known/openid-configuration', [
      200,
      { issuer: `${AUTH}/tenant`, token_endpoint: `${AUTH}/tenant/token` },
    ])
    auth.on('POST', '/tenant/token', () => [200, tokenBody()], { times: 2 })
    const discovered = settings({ tokenUrl: undefined, issuerUrl: `${AUTH}/tenant` })
    expect((await runAction(fetchOAuthToken, {}, discovered)).outcome).toBe('complete')
    expect((await runAction(fetchOAuthToken, { forceRefresh: true }, discovered)).outcome).toBe(
      'complete',
    )
    expect(metadata.isDone()).toBe(true)
  })

  it('falls back to RFC 8414 with the path after the well-known segment (§3.1)', async () => {
    const AUTH = auth.origin
    auth.on('GET', '/t1/.well-known/openid-configuration', [404])
    auth.on('GET', '/.well-known/oauth-authorization-server/t1', [
      200,
      { issuer: `${AUTH}/t1`, token_endpoint: `${AUTH}/t1/oauth/token` },
    ])
    auth.on('POST', '/t1/oauth/token', [200, tokenBody()])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ tokenUrl: undefined, issuerUrl: `${AUTH}/t1` }),
    )
    expect(run.outcome).toBe('complete')
  })

  it('discards metadata whose issuer differs (RFC 8414 §3.3), then tries SMART configuration', async () => {
    const fhir = `${auth.origin}/api/FHIR/R4`
    auth.on('GET', '/api/FHIR/R4/.well-known/openid-configuration', [
      200,
      { issuer: 'https://evil.example.com', token_endpoint: 'https://evil.example.com/token' },
    ])
    auth.on('GET', '/.well-known/oauth-authorization-server/api/FHIR/R4', [404])
    auth.on('GET', '/api/FHIR/R4/.well-known/smart-configuration', [
      200,
      { token_endpoint: `${auth.origin}/oauth2/token` },
    ])
    tokenEndpoint([200, tokenBody()])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ tokenUrl: undefined, issuerUrl: fhir }),
    )
    expect(run.outcome).toBe('complete')
  })

  it('names issuerUrl when nothing usable is found', async () => {
    auth.on('GET', /.*/, [404], { times: 3 })
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ tokenUrl: undefined, issuerUrl: auth.origin }),
    )
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'DISCOVERY_FAILED' })
    expect(errorOf(run).message).toMatch(
      /^Setting "issuerUrl": no usable token endpoint was discovered/,
    )
  })
})

describe('fetchOAuthToken: scopes not granted (RFC 6749 §3.3, §5.1)', () => {
  it('names the requested scopes the server left out, in a data point and the event', async () => {
    tokenEndpoint([200, tokenBody({ scope: 'system/Observation.rs system/Patient.rs' })])
    const run = await runAction(
      fetchOAuthToken,
      {},
      settings({ scope: 'system/Patient.rs system/Observation.rs system/Encounter.rs' }),
    )
    expect(run.code).toBeUndefined()
    expect(run.dataPoints.scopesNotGranted).toBe('system/Encounter.rs')
    expect(run.events[0].text.en).toContain('not granted: "system/Encounter.rs"')
  })

  it.each([
    ['all were granted, in another order', { scope: 'b a' }],
    ['the server did not say', {}],
  ])('is empty when %s', async (_case, extra) => {
    tokenEndpoint([200, tokenBody(extra)])
    const run = await runAction(fetchOAuthToken, {}, settings({ scope: 'a b' }))
    expect(run.dataPoints.scopesNotGranted).toBe('')
    expect(run.events[0].text.en).not.toContain('not granted')
  })
})

describe('fetchOAuthToken: tokenDataPoints = reference', () => {
  it('puts a reference in the accessToken data point, never the token', async () => {
    const body = tokenBody()
    tokenEndpoint([200, body])
    const run = await runAction(fetchOAuthToken, {}, settings({ tokenDataPoints: 'reference' }))
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.accessToken).toMatch(/^oauthapi-ref:[A-Za-z0-9_-]{22,}$/)
    expect(JSON.stringify(run.callbacks)).not.toContain(body.access_token as string)
    expect(JSON.stringify(run.logs)).not.toContain(body.access_token as string)
  })

  it('keeps the token in token mode (the default), and refuses an unknown mode', async () => {
    const body = tokenBody()
    tokenEndpoint([200, body])
    const run = await runAction(fetchOAuthToken, {}, settings({ tokenDataPoints: 'token' }))
    expect(run.dataPoints.accessToken).toBe(body.access_token)
    const wrong = await runAction(fetchOAuthToken, {}, settings({ tokenDataPoints: 'hash' }))
    expect(wrong.code).toBe('INVALID_SETTING')
    expect(errorOf(wrong).message).toBe(
      'Setting "tokenDataPoints": must be one of token, reference',
    )
  })
})

describe('fetchOAuthToken: key ids that match by construction', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const jwtSettings = (extra: Record<string, string | undefined> = {}) =>
    settings({
      clientAuthMethod: 'private_key_jwt',
      clientSecret: undefined,
      privateKey: pem.replace(/\n/g, '\\n'),
      ...extra,
    })
  const headerOf = (endpoint: ReturnType<typeof tokenEndpoint>) =>
    verifiedJws(
      formOf(endpoint.requests[0]).get('client_assertion') as string,
      createPublicKey(privateKey),
      'RS384',
    ).header

  it('uses the RFC 7638 thumbprint as kid when privateKeyId is empty', async () => {
    const endpoint = tokenEndpoint([200, tokenBody()])
    const run = await runAction(fetchOAuthToken, {}, jwtSettings())
    expect(run.outcome).toBe('complete')
    const thumbprint = keyThumbprint(privateKey)
    expect(headerOf(endpoint)).toEqual({ alg: 'RS384', typ: 'JWT', kid: thumbprint })
  })

  it("uses a private JWK's own kid when it has one", async () => {
    const endpoint = tokenEndpoint([200, tokenBody()])
    const jwk = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'registered-1' })
    await runAction(fetchOAuthToken, {}, jwtSettings({ privateKey: jwk }))
    expect(headerOf(endpoint).kid).toBe('registered-1')
  })

  it('sends jwksUrl as the jku header, and refuses one without https', async () => {
    const endpoint = tokenEndpoint([200, tokenBody()])
    const jwksUrl = 'https://keys.example.com/.well-known/jwks.json'
    await runAction(fetchOAuthToken, {}, jwtSettings({ jwksUrl, privateKeyId: 'k1' }))
    expect(headerOf(endpoint)).toEqual({ alg: 'RS384', typ: 'JWT', kid: 'k1', jku: jwksUrl })
    const refused = await runAction(
      fetchOAuthToken,
      {},
      jwtSettings({ jwksUrl: 'http://keys.example.com/jwks.json' }),
    )
    expect(errorOf(refused)).toEqual({
      category: 'MISSING_SETTINGS',
      code: 'INVALID_SETTING',
      message: 'Setting "jwksUrl": must use https (http is allowed only on localhost)',
    })
  })
})
