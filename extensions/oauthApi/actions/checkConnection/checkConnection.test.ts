import { generateKeyPairSync } from 'node:crypto'
import { errorOf, runAction } from '../../__mocks__/oauthApiTestKit/actionRun'
import { useStubServer } from '../../__mocks__/oauthApiTestKit/stubServer'
import { signJwt } from '../../lib/oauth/jws'
import { fetchOAuthToken } from '../fetchOAuthToken'
import { checkConnection } from './checkConnection'

const auth = useStubServer()
const api = useStubServer()

const CLIENT_SECRET = 'client-secret-value-42'

const settings = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  tokenUrl: `${auth.origin}/token`,
  clientId: 'client-1',
  clientSecret: CLIENT_SECRET,
  scope: 'system/Patient.rs system/Observation.rs',
  apiBaseUrl: `${api.origin}/fhir/R4`,
  ...overrides,
})

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const accessJwt = (): string => {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({
    header: { typ: 'at+jwt' },
    claims: {
      scope: 'system/Patient.rs',
      client_id: 'client-1',
      secret_claim: 'x-internal',
      iss: 'https://auth.example.com',
      sub: 'client-1',
      aud: 'https://api.example.com',
      iat: now,
      exp: now + 600,
    },
    key: signingKey,
    algorithm: 'RS256',
  })
}

/** An HTTP date `seconds` away from now, as a Date header carries it. */
const httpDate = (seconds = 0): string => new Date(Date.now() + seconds * 1000).toUTCString()

describe('checkConnection: what the server granted, and what the token says', () => {
  it('reports endpoint, method, scopes, lifetime, claims and clock skew of a fresh token', async () => {
    const token = accessJwt()
    const endpoint = auth.on('POST', '/token', [
      200,
      { access_token: token, token_type: 'Bearer', expires_in: 600, scope: 'system/Patient.rs' },
      { Date: httpDate(120) },
    ])
    const run = await runAction(checkConnection, {}, settings())
    expect(run.outcome).toBe('complete')
    expect(endpoint.requests).toHaveLength(1)
    const { tokenClaims, clockSkewSeconds, ...dataPoints } = run.dataPoints
    expect(dataPoints).toEqual({
      tokenEndpoint: `${auth.origin}/token`,
      clientAuthMethod: 'client_secret_basic',
      grantedScope: 'system/Patient.rs',
      scopesNotGranted: 'system/Observation.rs',
      expiresIn: '600',
      tokenFormat: 'jwt',
      tokenField: 'access_token',
      lifetimeSource: 'expiresIn',
    })
    const { exp, iat, ...claims } = JSON.parse(tokenClaims as string) as Record<string, unknown>
    // The shown claims only: not secret_claim, nor the header or the signature.
    expect(claims).toEqual({
      iss: 'https://auth.example.com',
      sub: 'client-1',
      aud: 'https://api.example.com',
      scope: 'system/Patient.rs',
      client_id: 'client-1',
    })
    expect(exp).toBe(Number(iat) + 600)
    expect(Math.abs(Number(clockSkewSeconds) - 120)).toBeLessThanOrEqual(1)
    expect(run.events[0].text.en).toContain('Not granted: "system/Observation.rs"')
    expect(run.emitted).not.toContain(token)
    expect(run.emitted).not.toContain(token.split('.')[2])
    expect(run.dataPoints.accessToken).toBeUndefined()
  })

  it('calls an opaque token opaque, and leaves the skew empty without a Date header', async () => {
    // Node servers add a Date header unless one is set: an empty one stands for none.
    auth.on('POST', '/token', [
      200,
      { access_token: 'opaque-token-value-123', token_type: 'Bearer' },
      { Date: '' },
    ])
    const run = await runAction(checkConnection, {}, settings())
    expect(run.dataPoints).toMatchObject({ tokenFormat: 'opaque', scopesNotGranted: '' })
    expect(run.dataPoints.tokenClaims).toBeUndefined()
    expect(run.dataPoints.expiresIn).toBeUndefined()
    expect(run.dataPoints.clockSkewSeconds).toBeUndefined()
    expect(run.events[0].text.en).toContain('the clock skew is unknown')
  })

  it('requests a new token even when one is cached, and leaves the cache as it was', async () => {
    const issued: string[] = []
    auth.on(
      'POST',
      '/token',
      () => {
        issued.push(`token-${issued.length + 1}-abcdefgh`)
        return [
          200,
          { access_token: issued[issued.length - 1], token_type: 'Bearer', expires_in: 3600 },
        ]
      },
      { times: 2 },
    )
    const cached = await runAction(fetchOAuthToken, {}, settings())
    const check = await runAction(checkConnection, {}, settings())
    const after = await runAction(fetchOAuthToken, {}, settings())
    expect(check.outcome).toBe('complete')
    expect(issued).toHaveLength(2)
    expect(after.dataPoints.accessToken).toBe(cached.dataPoints.accessToken)
    expect(after.events[0].text.en).toMatch(/^Reused a cached OAuth token/)
  })

  it('tries the token on a GET under the API base URL', async () => {
    auth.on('POST', '/token', [
      200,
      { access_token: 'opaque-token-value-123', token_type: 'Bearer' },
    ])
    const metadata = api.on('GET', '/fhir/R4/metadata', [
      200,
      { resourceType: 'CapabilityStatement' },
    ])
    const run = await runAction(checkConnection, { path: '/metadata' }, settings())
    expect(run.dataPoints.apiStatusCode).toBe('200')
    expect(metadata.requests[0].headers['authorization']).toBe('Bearer opaque-token-value-123')
    expect(run.events[0].text.en).toContain(
      'GET /fhir/R4/metadata with the token answered HTTP 200.',
    )
  })

  it('discovers the token endpoint anew, not from the metadata cache', async () => {
    const discovery = auth.on(
      'GET',
      '/tenant/.well-known/openid-configuration',
      () => [200, { issuer: `${auth.origin}/tenant`, token_endpoint: `${auth.origin}/token` }],
      { times: 2 },
    )
    auth.on(
      'POST',
      '/token',
      [200, { access_token: 'opaque-token-value-123', token_type: 'Bearer' }],
      {
        times: 2,
      },
    )
    const discovered = settings({ tokenUrl: undefined, issuerUrl: `${auth.origin}/tenant` })
    expect((await runAction(fetchOAuthToken, {}, discovered)).outcome).toBe('complete')
    const run = await runAction(checkConnection, {}, discovered)
    expect(run.dataPoints.tokenEndpoint).toBe(`${auth.origin}/token`)
    expect(discovery.requests).toHaveLength(2)
  })
})

describe('checkConnection: failures that say what to check', () => {
  it('invalid_client with a secret: the id, the secret and how the server expects it', async () => {
    auth.on('POST', '/token', [401, { error: 'invalid_client' }])
    const run = await runAction(checkConnection, {}, settings())
    expect(run.code).toBe('TOKEN_REQUEST_REFUSED')
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toBe(
      'The token endpoint refused the request (HTTP 401): error "invalid_client". Check the "Client ID" and "Client secret" settings, and how the server expects the secret ("Client authentication"): client_secret_basic sends it form-encoded in a Basic header (RFC 6749 §2.3.1), client_secret_basic_unencoded in a Basic header without that encoding (for servers that do not decode it), client_secret_post in the request body.',
    )
    expect(run.emitted).not.toContain(CLIENT_SECRET)
  })

  it('invalid_client with private_key_jwt and a clock 5 minutes off: the key and the clock', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    auth.on('POST', '/token', [400, { error: 'invalid_client' }, { Date: httpDate(300) }])
    const run = await runAction(
      checkConnection,
      {},
      settings({
        clientAuthMethod: 'private_key_jwt',
        clientSecret: undefined,
        privateKey: JSON.stringify(privateKey.export({ format: 'jwk' })),
        signingAlgorithm: 'ES384',
        privateKeyId: 'k-1',
      }),
    )
    expect(errorOf(run).message).toContain(
      'Check that the server has the public key of client "client-1" registered under kid "k-1" for ES384',
    )
    expect(errorOf(run).message).toMatch(
      /This machine's clock and the token endpoint's differ by (299|300|301) s, and client assertions carry iat and exp \(RFC 7523 §3\): check the clock \(NTP\)\.$/,
    )
  })

  it.each([
    [{ error: 'invalid_scope' }, 'Check the "Scope" setting'],
    [{ error: 'invalid_target' }, 'Check the "Resource" and "Audience" settings'],
  ])('%j: says which setting to check', async (body, advice) => {
    auth.on('POST', '/token', [400, body])
    const run = await runAction(checkConnection, {}, settings())
    expect(errorOf(run).message).toContain(advice)
  })

  it('an HTML page instead of a token endpoint: the token URL', async () => {
    auth.on('POST', '/token', [200, '<html>Sign in</html>'])
    const run = await runAction(checkConnection, {}, settings())
    expect(run.code).toBe('TOKEN_RESPONSE_INVALID')
    expect(errorOf(run).message).toContain(
      'Check that the "Token URL" is the OAuth 2.0 token endpoint',
    )
  })

  it('a token the API refuses: the audience and issuer the token carries', async () => {
    const token = accessJwt()
    auth.on('POST', '/token', [200, { access_token: token, token_type: 'Bearer' }])
    api.on('GET', '/fhir/R4/metadata', [
      401,
      '',
      { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    ])
    const run = await runAction(checkConnection, { path: 'metadata' }, settings())
    expect(run.code).toBe('API_CLIENT_ERROR')
    expect(errorOf(run).message).toContain('The API answered HTTP 401 to GET /fhir/R4/metadata')
    expect(errorOf(run).message).toContain(
      'The API did not accept the token: check the "API base URL", the "Audience" or "Resource" setting (the token says aud "https://api.example.com")',
    )
    expect(run.emitted).not.toContain(token)
  })

  it('refuses a path outside the API base URL before sending anything', async () => {
    const run = await runAction(checkConnection, { path: '//evil.example.com/x' }, settings())
    expect(run.code).toBe('PATH_OUTSIDE_BASE')
    expect(errorOf(run).message).toMatch(/^Field "path": /)
    expect(auth.requests).toHaveLength(0)
  })
})
