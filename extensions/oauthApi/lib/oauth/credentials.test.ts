import { constants, generateKeyPairSync, verify, type KeyObject } from 'node:crypto'
import { parseSettings } from '../../settings'
import { describeFailure } from '../run/describeFailure'
import { decodeJwtPayload } from './jws'
import { signGrantAssertion, type JwtBearerGrant } from './grant'

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' })
const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString()
const TOKEN_URI = 'https://oauth2.example.com/token'
const API = 'https://fhir.example.com/r4'

const keyFile = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'service_account',
    private_key_id: 'k-1',
    private_key: pem(rsa.privateKey),
    client_email: 'reader@project.iam.gserviceaccount.com',
    token_uri: TOKEN_URI,
    ...overrides,
  })

/** The message of the failure parsing these settings, or undefined when they parse. */
const problemOf = (settings: Record<string, string>): string | undefined => {
  try {
    parseSettings(settings)
    return undefined
  } catch (error) {
    return describeFailure(error).message
  }
}

describe('the JWT bearer grant settings', () => {
  it('defaults: issuer and subject the client id, aud the token endpoint, no client authentication', () => {
    const { client } = parseSettings({
      grantType: 'jwt_bearer',
      tokenUrl: TOKEN_URI,
      clientId: 'app',
      privateKey: pem(rsa.privateKey),
      apiBaseUrl: API,
    })
    expect(client.auth).toEqual({ method: 'none' })
    expect(client.grant).toMatchObject({
      type: 'jwt_bearer',
      issuer: 'app',
      subject: 'app',
      audience: undefined,
      lifetimeSeconds: 300,
      scopeInAssertion: false,
      signer: { algorithm: 'RS384', certificate: undefined },
    })
  })

  it('a service-account key file needs nothing but the API besides it', () => {
    const { client } = parseSettings({ serviceAccountKey: keyFile(), apiBaseUrl: API })
    expect(client.endpoint).toEqual({ kind: 'url', url: new URL(TOKEN_URI) })
    expect(client.auth).toEqual({ method: 'none' })
    expect(client.grant).toMatchObject({
      type: 'jwt_bearer',
      issuer: 'reader@project.iam.gserviceaccount.com',
      subject: undefined,
      scopeInAssertion: true,
      signer: { algorithm: 'RS256', keyId: 'k-1' },
    })
  })

  it('explicit settings win over the key file', () => {
    const { client } = parseSettings({
      serviceAccountKey: keyFile(),
      tokenUrl: 'https://other.example.com/token',
      assertionSubject: 'admin@hospital.example',
      scopeInAssertion: 'false',
      privateKeyId: 'k-2',
      apiBaseUrl: API,
    })
    expect(client.endpoint).toEqual({
      kind: 'url',
      url: new URL('https://other.example.com/token'),
    })
    expect(client.grant).toMatchObject({
      subject: 'admin@hospital.example',
      scopeInAssertion: false,
      signer: { keyId: 'k-2' },
    })
  })

  it.each([
    [
      { grantType: 'jwt_bearer', tokenUrl: TOKEN_URI, clientId: 'app' },
      /^Setting "privateKey": is required for jwt_bearer/,
    ],
    [
      { grantType: 'jwt_bearer', tokenUrl: TOKEN_URI, privateKey: pem(rsa.privateKey) },
      /^Setting "clientId": is required for jwt_bearer/,
    ],
    [
      { serviceAccountKey: keyFile(), grantType: 'client_credentials' },
      /^Setting "grantType": must be jwt_bearer/,
    ],
    [
      { serviceAccountKey: keyFile(), signingAlgorithm: 'ES384' },
      /^Setting "signingAlgorithm": does not fit the service account's key/,
    ],
    [
      { serviceAccountKey: keyFile({ token_uri: 'http://oauth2.example.com/token' }) },
      /^Setting "serviceAccountKey": has a "token_uri" that must use https/,
    ],
    [
      { serviceAccountKey: keyFile(), assertionLifetimeSeconds: '3601' },
      /^Setting "assertionLifetimeSeconds": must be a whole number from 1 to 3600/,
    ],
    [
      { tokenUrl: TOKEN_URI, clientId: 'app', clientSecret: 'secret', certificate: 'x' },
      /^Setting "certificate": is used only with a signing key/,
    ],
    [
      { tokenUrl: TOKEN_URI, clientId: 'app', clientAuthMethod: 'tls_client_auth' },
      /^Setting "clientCertificate": is required for tls_client_auth/,
    ],
    [
      { tokenUrl: TOKEN_URI, clientId: 'app', clientSecret: 'secret', clientCertificate: 'x' },
      /^Setting "clientCertificateKey": is required with clientCertificate/,
    ],
    [
      {
        tokenUrl: TOKEN_URI,
        clientId: 'app',
        clientSecret: 'secret',
        caCertificates: 'not a certificate',
      },
      /^Setting "caCertificates": holds no PEM certificate/,
    ],
  ])('names the setting at fault (%#)', (settings, message) => {
    expect(problemOf({ apiBaseUrl: API, ...settings })).toMatch(message)
  })

  it('never echoes a key file it refuses', () => {
    const text = keyFile({ type: 'authorized_user' })
    const message = problemOf({ serviceAccountKey: text, apiBaseUrl: API }) ?? ''
    expect(message).toMatch(/^Setting "serviceAccountKey": is not a service-account key file/)
    expect(message).not.toContain('PRIVATE KEY')
    expect(message).not.toContain('reader@')
  })

  it('keeps tokens of different subjects, audiences or scope placements apart (cache key)', () => {
    const base = { serviceAccountKey: keyFile(), apiBaseUrl: API }
    const keys = [
      base,
      { ...base, assertionSubject: 'a@hospital.example' },
      { ...base, assertionSubject: 'b@hospital.example' },
      { ...base, assertionAudience: 'https://aud.example' },
      { ...base, scopeInAssertion: 'false' },
    ].map((settings) => parseSettings(settings).client.cacheKey)
    expect(new Set(keys).size).toBe(keys.length)
  })
})

describe('signGrantAssertion (RFC 7523 §3)', () => {
  const grant = (algorithm: 'RS256' | 'PS256' | 'ES384', key: KeyObject): JwtBearerGrant => ({
    type: 'jwt_bearer',
    signer: { key, keyId: 'k', algorithm, certificate: { x5t: 'sha1', 'x5t#S256': 'sha256' } },
    issuer: 'iss',
    subject: 'sub',
    audience: undefined,
    lifetimeSeconds: 600,
    scopeInAssertion: true,
  })

  it.each([
    ['RS256', rsa.privateKey, rsa.publicKey, { padding: constants.RSA_PKCS1_PADDING }],
    [
      'PS256',
      rsa.privateKey,
      rsa.publicKey,
      { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
    ],
    ['ES384', ec.privateKey, ec.publicKey, { dsaEncoding: 'ieee-p1363' as const }],
  ] as const)(
    'signs %s with the claims and header the grant asks for',
    (alg, privateKey, publicKey, options) => {
      const jwt = signGrantAssertion(grant(alg, privateKey), new URL(TOKEN_URI), 'a b')
      const [header, , signature] = jwt.split('.')
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
        alg,
        typ: 'JWT',
        kid: 'k',
        'x5t#S256': 'sha256',
        x5t: 'sha1',
      })
      const claims = decodeJwtPayload(jwt) ?? {}
      expect(claims).toMatchObject({ iss: 'iss', sub: 'sub', aud: TOKEN_URI, scope: 'a b' })
      expect(Number(claims.exp) - Number(claims.iat)).toBe(600)
      const hash = alg === 'ES384' ? 'sha384' : 'sha256'
      const signed = Buffer.from(jwt.slice(0, jwt.lastIndexOf('.')), 'ascii')
      expect(
        verify(hash, signed, { key: publicKey, ...options }, Buffer.from(signature, 'base64url')),
      ).toBe(true)
    },
  )
})
