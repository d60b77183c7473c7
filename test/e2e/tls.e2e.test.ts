/**
 * End to end, over TLS: mutual TLS against oidc-provider (tls_client_auth, certificate-bound
 * tokens, the mTLS alias of its token endpoint found by discovery) and an https API that requires
 * the same client certificate; two connections with different client certificates in one
 * process; and a private CA, trusted with caCertificates and refused without it.
 */
import { type KeyObject } from 'node:crypto'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  errorOf,
  expectNoSecrets,
  expectOutcome,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { startAssertionTokenServer } from '../../servers/assertionTokenServer'
import { startMtlsServers, type MtlsServers } from '../../servers/tls/mtlsServers'
import { certificateThumbprint, createTestCa, type TestCa } from '../../servers/tls/certificates'
import { rsaKeyPair } from '../../servers/rsaKeys'

const { fetchOAuthToken, authenticatedApiCall } = extensions[0].actions

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString()

beforeEach(() => clearCaches())

describe('mutual TLS (RFC 8705) against oidc-provider and an API that requires the certificate', () => {
  let servers: MtlsServers
  beforeAll(async () => {
    servers = await startMtlsServers()
  })
  afterAll(async () => {
    await servers?.stop()
  })

  it('gets a certificate-bound token with tls_client_auth and uses it with the same certificate', async () => {
    const settings = servers.settingsFor('oauthapi-mtls-a')
    const before = await servers.stats()
    const token = await runAction(fetchOAuthToken, {}, settings)
    expectOutcome(token, 'complete')
    const after = await servers.stats()
    // RFC 8705 §5: discovery's mtls_endpoint_aliases.token_endpoint was used.
    expect(after.mtlsTokenRequests - before.mtlsTokenRequests).toBe(1)
    // RFC 8705 §3.1: the token is bound to the certificate presented.
    const claims = JSON.parse(
      Buffer.from(String(token.dataPoints.accessToken).split('.')[1], 'base64url').toString(),
    ) as { cnf?: Record<string, string> }
    expect(claims.cnf?.['x5t#S256']).toBe(
      certificateThumbprint(servers.clientCertificates['oauthapi-mtls-a'].certificatePem),
    )
    const call = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example', accessToken: token.dataPoints.accessToken },
      settings,
    )
    expectOutcome(call, 'complete')
    expect(JSON.parse(call.dataPoints.responseBody as string)).toMatchObject({
      id: 'example',
      presentedBy: 'CN=oauthapi-mtls-a',
    })
    for (const run of [token, call]) expectNoSecrets(run, [settings.clientCertificateKey])
  })

  it('keeps two connections with different client certificates apart in one process', async () => {
    const names = [
      'oauthapi-mtls-a',
      'oauthapi-mtls-b',
      'oauthapi-mtls-a',
      'oauthapi-mtls-b',
    ] as const
    const runs = await Promise.all(
      names.map((name) =>
        runAction(authenticatedApiCall, { path: '/Patient/example' }, servers.settingsFor(name)),
      ),
    )
    runs.forEach((run, index) => {
      expectOutcome(run, 'complete')
      expect(JSON.parse(run.dataPoints.responseBody as string)).toMatchObject({
        presentedBy: `CN=${names[index]}`,
      })
    })
  })

  it('refuses a token bound to another certificate at the API, and renews it for its own', async () => {
    const tokenOfA = await runAction(fetchOAuthToken, {}, servers.settingsFor('oauthapi-mtls-a'))
    expectOutcome(tokenOfA, 'complete')
    // B's connection hands in A's token: the API refuses it (401), B gets its own and retries.
    const call = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example', accessToken: tokenOfA.dataPoints.accessToken },
      servers.settingsFor('oauthapi-mtls-b'),
    )
    expectOutcome(call, 'complete')
    expect(JSON.parse(call.dataPoints.responseBody as string)).toMatchObject({
      presentedBy: 'CN=oauthapi-mtls-b',
    })
    expect(call.dataPoints.tokenRefreshed).toBe('true')
    expect(call.events[0]?.text.en).toMatch(/token renewed after HTTP 401/)
  })

  it('gets a token with self_signed_tls_client_auth (the registered certificate alone)', async () => {
    const run = await runAction(fetchOAuthToken, {}, servers.selfSignedSettings)
    expectOutcome(run, 'complete')
    const claims = JSON.parse(
      Buffer.from(String(run.dataPoints.accessToken).split('.')[1], 'base64url').toString(),
    ) as { client_id?: string; cnf?: Record<string, string> }
    expect(claims.client_id).toBe('oauthapi-mtls-self-signed')
    expect(claims.cnf?.['x5t#S256']).toBe(
      certificateThumbprint(servers.selfSignedSettings.clientCertificate),
    )
  })

  it('names the setting when tls_client_auth has no client certificate', async () => {
    const {
      clientCertificate: _cert,
      clientCertificateKey: _key,
      ...settings
    } = servers.settingsFor('oauthapi-mtls-a')
    const run = await runAction(fetchOAuthToken, {}, settings)
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
    expect(run.message).toMatch(/^Setting "clientCertificate": is required for tls_client_auth/)
  })

  it('refuses a client certificate key that is not the certificate’s', async () => {
    const settings = {
      ...servers.settingsFor('oauthapi-mtls-a'),
      clientCertificateKey: servers.clientCertificates['oauthapi-mtls-b'].privateKeyPem,
    }
    const run = await runAction(fetchOAuthToken, {}, settings)
    expect(run.message).toMatch(/^Setting "clientCertificateKey": is not the private key/)
    expectNoSecrets(run, [settings.clientCertificateKey])
  })
})

describe('a private CA (caCertificates)', () => {
  const keys = rsaKeyPair()
  const ISSUER = 'oauthapi-private-ca'
  let ca: TestCa

  beforeAll(async () => {
    ca = await createTestCa('Hospital internal CA')
  })

  /** A jwt_bearer token endpoint and API on https with a certificate of `ca`. */
  const withServer = async (
    options: { hosts?: string[]; expired?: boolean },
    work: (settings: Record<string, string>) => Promise<void>,
  ): Promise<void> => {
    const certificate = await ca.issueServer(options)
    const server = await startAssertionTokenServer({
      bearerIssuers: [
        { style: 'salesforce', issuer: ISSUER, publicKey: keys.publicKey, scope: 'api' },
      ],
      tls: { cert: certificate.certificatePem, key: certificate.privateKeyPem },
    })
    try {
      await work({
        grantType: 'jwt_bearer',
        tokenUrl: server.tokenUrl,
        clientId: ISSUER,
        privateKey: pem(keys.privateKey),
        apiBaseUrl: server.apiBaseUrl,
      })
    } finally {
      await server.close()
    }
  }

  it('reaches an https API whose certificate its own CA issued, with caCertificates', async () => {
    await withServer({}, async (settings) => {
      const run = await runAction(
        authenticatedApiCall,
        { path: '/Patient/example' },
        { ...settings, caCertificates: ca.certificatePem.replace(/\n/g, '\\n') },
      )
      expectOutcome(run, 'complete')
      expect(run.dataPoints.statusCode).toBe('200')
    })
  })

  it.each([
    ['an unknown CA', {}, false, /certificate authority that is not trusted \(unknown CA/],
    ['an expired certificate', { expired: true }, true, /its certificate has expired/],
    ['a name mismatch', { hosts: ['fhir.hospital.example'] }, true, /name mismatch/],
  ])(
    'refuses %s: SERVER_ERROR, code TLS, the host and why',
    async (_case, options, trusted, why) => {
      await withServer(options, async (settings) => {
        const run = await runAction(
          authenticatedApiCall,
          { path: '/Patient/example' },
          trusted ? { ...settings, caCertificates: ca.certificatePem } : settings,
        )
        expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code: 'TLS' })
        expect(run.message).toMatch(/The TLS connection to 127\.0\.0\.1:\d+ failed: /)
        expect(run.message).toMatch(why)
      })
    },
  )
})
