/**
 * End to end: the JWT bearer grant (explicit settings, and a Google service-account key file)
 * and Entra-style certificate credentials (x5t#S256, PS256), against token endpoints that verify
 * the assertions with jose as their vendors document it, and an API that takes their tokens.
 */
import { randomUUID, type KeyObject } from 'node:crypto'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  errorOf,
  expectNoSecrets,
  expectOutcome,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  startAssertionTokenServer,
  type AssertionTokenServer,
} from '../../servers/assertionTokenServer'
import { sendJson, startLoopbackServer } from '../../servers/loopbackServer'
import { certificateThumbprint, selfSignedCertificate } from '../../servers/tls/certificates'
import { rsaKeyPair } from '../../servers/rsaKeys'

const { fetchOAuthToken, authenticatedApiCall } = extensions[0].actions

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString()

const salesforceKeys = rsaKeyPair()
const googleKeys = rsaKeyPair()
const entraKeys = rsaKeyPair()
const otherKeys = rsaKeyPair()
const GOOGLE_KEY_ID = randomUUID().replace(/-/g, '')
const GOOGLE_EMAIL = 'fhir-reader@project-1.iam.gserviceaccount.com'
const SALESFORCE_APP = '3MVG9consumer.key'
const SALESFORCE_USER = 'integration@hospital.example'
const SALESFORCE_AUDIENCE = 'https://login.salesforce.example'
const ENTRA_CLIENT = randomUUID()

let server: AssertionTokenServer
let entraCertificate: string
let otherCertificate: string

beforeAll(async () => {
  entraCertificate = await selfSignedCertificate(pem(entraKeys.privateKey), 'oauthApi Entra')
  otherCertificate = await selfSignedCertificate(pem(otherKeys.privateKey), 'another key')
  server = await startAssertionTokenServer({
    bearerIssuers: [
      {
        style: 'google',
        issuer: GOOGLE_EMAIL,
        publicKey: googleKeys.publicKey,
        keyId: GOOGLE_KEY_ID,
        scope: '',
      },
      {
        style: 'salesforce',
        issuer: SALESFORCE_APP,
        publicKey: salesforceKeys.publicKey,
        subject: SALESFORCE_USER,
        audience: SALESFORCE_AUDIENCE,
        scope: 'api',
      },
    ],
    certificateClients: [
      { clientId: ENTRA_CLIENT, certificatePem: entraCertificate, scope: 'fhir/.default' },
    ],
  })
})
afterAll(async () => {
  await server?.close()
})
beforeEach(() => {
  clearCaches()
  server.seen.length = 0
  server.refusals.length = 0
})

/** A Google service-account key file, as the Cloud console downloads it. */
const keyFile = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    type: 'service_account',
    project_id: 'project-1',
    private_key_id: GOOGLE_KEY_ID,
    private_key: pem(googleKeys.privateKey),
    client_email: GOOGLE_EMAIL,
    client_id: '1234567890',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: server.tokenUrl,
    ...overrides,
  })

describe('the JWT bearer grant (RFC 7523 §2.1)', () => {
  it('with explicit settings (Salesforce-style: sub the user, aud the login host)', async () => {
    const privateKey = pem(salesforceKeys.privateKey)
    const settings = {
      grantType: 'jwt_bearer',
      tokenUrl: server.tokenUrl,
      clientId: SALESFORCE_APP,
      privateKey,
      signingAlgorithm: 'RS256',
      assertionSubject: SALESFORCE_USER,
      assertionAudience: SALESFORCE_AUDIENCE,
      scope: 'api',
      apiBaseUrl: server.apiBaseUrl,
    }
    const run = await runAction(authenticatedApiCall, { path: '/Patient/example' }, settings)
    expectOutcome(run, 'complete')
    expect(server.refusals).toEqual([])
    expect(run.dataPoints.statusCode).toBe('200')
    const [{ header, claims, params, assertion }] = server.seen
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(claims).toMatchObject({
      iss: SALESFORCE_APP,
      sub: SALESFORCE_USER,
      aud: SALESFORCE_AUDIENCE,
    })
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(300)
    // No client authentication beside the assertion; the scope as a parameter.
    expect(params.sort()).toEqual(['assertion', 'grant_type', 'scope'])
    expectNoSecrets(run, [privateKey, assertion])
  })

  it('with only a Google service-account key file, scope and apiBaseUrl', async () => {
    const serviceAccountKey = keyFile()
    const settings = {
      serviceAccountKey,
      scope: 'https://www.googleapis.com/auth/cloud-healthcare',
      apiBaseUrl: server.apiBaseUrl,
    }
    const token = await runAction(fetchOAuthToken, {}, settings)
    expectOutcome(token, 'complete')
    expect(server.refusals).toEqual([])
    const call = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example', accessToken: token.dataPoints.accessToken },
      settings,
    )
    expectOutcome(call, 'complete')
    expect(JSON.parse(call.dataPoints.responseBody as string)).toMatchObject({
      scope: 'https://www.googleapis.com/auth/cloud-healthcare',
    })
    const [{ header, claims, params, assertion }] = server.seen
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: GOOGLE_KEY_ID })
    expect(claims).toMatchObject({
      iss: GOOGLE_EMAIL,
      aud: server.tokenUrl,
      scope: 'https://www.googleapis.com/auth/cloud-healthcare',
    })
    expect(claims.sub).toBeUndefined()
    expect(params.sort()).toEqual(['assertion', 'grant_type'])
    for (const run of [token, call]) {
      expectNoSecrets(run, [serviceAccountKey, pem(googleKeys.privateKey), assertion])
    }
  })

  it.each([
    ['another type', { type: 'authorized_user' }, /"type" must be "service_account"/],
    ['no client_email', { client_email: undefined }, /no "client_email"/],
    [
      'a key that does not parse',
      { private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' },
      /"private_key" that could not be read/,
    ],
  ])(
    'refuses a key file with %s, naming the setting and echoing none of it',
    async (_case, overrides, why) => {
      const serviceAccountKey = keyFile(overrides)
      const run = await runAction(
        fetchOAuthToken,
        {},
        { serviceAccountKey, apiBaseUrl: server.apiBaseUrl },
      )
      expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
      expect(run.message).toMatch(/^Setting "serviceAccountKey": /)
      expect(run.message).toMatch(why)
      expect(server.seen).toEqual([])
      expectNoSecrets(run, [serviceAccountKey, pem(googleKeys.privateKey), GOOGLE_KEY_ID])
    },
  )
})

describe('certificate credentials (Entra-style: x5t#S256, PS256)', () => {
  const settings = (certificate: string) => ({
    tokenUrl: server.tokenUrl,
    clientId: ENTRA_CLIENT,
    clientAuthMethod: 'private_key_jwt',
    privateKey: pem(entraKeys.privateKey),
    signingAlgorithm: 'PS256',
    certificate,
    scope: 'fhir/.default',
    apiBaseUrl: server.apiBaseUrl,
  })

  it('is accepted by an endpoint that finds the key by the certificate thumbprint', async () => {
    const run = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example' },
      settings(entraCertificate),
    )
    expectOutcome(run, 'complete')
    expect(server.refusals).toEqual([])
    const [{ header, assertion, params }] = server.seen
    expect(params.sort()).toEqual([
      'client_assertion',
      'client_assertion_type',
      'client_id',
      'grant_type',
      'scope',
    ])
    expect(header).toMatchObject({
      alg: 'PS256',
      'x5t#S256': certificateThumbprint(entraCertificate),
    })
    expect(typeof header.x5t).toBe('string')
    expectNoSecrets(run, [pem(entraKeys.privateKey), assertion])
  })

  it('refuses, at settings time, a certificate that is not the private key’s', async () => {
    const run = await runAction(fetchOAuthToken, {}, settings(otherCertificate))
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
    expect(run.message).toMatch(/^Setting "certificate": is not the certificate of the private key/)
    expect(server.seen).toEqual([])
  })
})

describe('secret hygiene', () => {
  it('scrubs the key file, its key and the assertion from a token endpoint that echoes them', async () => {
    // A careless server: its error description quotes the whole request body back.
    const echo = await startLoopbackServer((recorded, response) =>
      sendJson(response, 400, {
        error: 'invalid_grant',
        error_description: `could not use ${recorded.body} with ${keyFile()}`,
      }),
    )
    try {
      const serviceAccountKey = keyFile({ token_uri: echo.url('/token') })
      const run = await runAction(
        fetchOAuthToken,
        {},
        { serviceAccountKey, scope: 'openid', apiBaseUrl: server.apiBaseUrl },
      )
      expect(errorOf(run)).toMatchObject({ category: 'BAD_REQUEST', code: 'TOKEN_REQUEST_REFUSED' })
      // The server's words reach the care flow (scrubbed): the echo was there to be found.
      expect(run.message).toMatch(/could not use/)
      const assertion = new URLSearchParams(echo.requests[0].body).get('assertion') ?? ''
      expect(assertion.split('.')).toHaveLength(3)
      expectNoSecrets(run, [assertion, pem(googleKeys.privateKey)])
      // Each line of the PEM key is a secret of its own, as the whole file is.
      for (const line of pem(googleKeys.privateKey)
        .split('\n')
        .filter((l) => l.length > 40)) {
        expect(run.emitted).not.toContain(line)
      }
    } finally {
      await echo.close()
    }
  })
})
