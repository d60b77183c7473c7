/**
 * End to end, the onboarding kit against the real authorization server (oidc-provider) and the
 * jose-protected API: `cli keygen` output registered at the server and pasted into the settings;
 * the thumbprint kid and the jku header; token reference mode; scopes not granted; and the
 * connection check's data points and failures.
 */
import { decodeJwt } from 'jose'
import type { JWK } from 'jose'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { resolveTokenReference } from '../../extensions/oauthApi/lib/oauth/tokenReferences'
import { parseSettings } from '../../extensions/oauthApi/settings'
import { errorOf, runAction } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { runRoundTrip } from '../../demo/roundTrip'
import { UNGRANTED_SCOPE } from '../../servers/clients'
import {
  routes,
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
} from '../../servers/loopbackServer'
import { startLocalServers, type LocalServers } from '../../servers/startLocalServers'
import { parseJson, runCliForTest } from '../cli/runCliForTest'

const { fetchOAuthToken, authenticatedApiCall, checkConnection } = extensions[0].actions

const REFERENCE = /^oauthapi-ref:[A-Za-z0-9_-]{22,}$/

interface NewKey {
  privateKey: string
  kid: string
  signingAlgorithm: string
  jwks: { keys: JWK[] }
}

const cli = (argv: string[], env: Record<string, string> = {}) =>
  runCliForTest(argv, { registry: extensions, env })

const keygen = async (alg: string): Promise<NewKey> => {
  const { code, stdout } = await cli(['keygen', '--alg', alg, '--json'])
  expect(code).toBe(0)
  return parseJson<NewKey>(stdout)
}

let registered: NewKey
let hosted: NewKey
let jwksHost: LoopbackServer
let servers: LocalServers

beforeAll(async () => {
  ;[registered, hosted] = await Promise.all([keygen('RS384'), keygen('ES384')])
  jwksHost = await startLoopbackServer(
    routes([
      ['/.well-known/jwks.json', (_request, response) => sendJson(response, 200, hosted.jwks)],
    ]),
  )
  servers = await startLocalServers({
    extraClients: [
      {
        // Registered with the JWK Set keygen printed.
        client_id: 'keygen-rs384',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS384',
        jwks: registered.jwks,
        scope: 'patient.read',
      },
      {
        // Registered with a JWK Set URL, which the server fetches.
        client_id: 'keygen-es384-hosted',
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES384',
        jwks_uri: jwksHost.url('/.well-known/jwks.json'),
        scope: 'patient.read',
      },
    ],
  })
})
afterAll(async () => {
  await servers?.stop()
  await jwksHost?.close()
})
beforeEach(() => clearCaches())

/** Settings as a designer fills them in from keygen's output: no Private key ID. */
const keygenSettings = (
  clientId: string,
  key: NewKey,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  tokenUrl: servers.tokenUrl,
  clientId,
  clientAuthMethod: 'private_key_jwt',
  privateKey: key.privateKey,
  signingAlgorithm: key.signingAlgorithm,
  scope: 'patient.read',
  apiBaseUrl: servers.apiBaseUrl,
  ...extra,
})

const lastAssertionHeader = async (): Promise<Record<string, unknown> | undefined> =>
  (await servers.stats()).assertionHeaders.at(-1)

describe('keygen → settings → private_key_jwt at oidc-provider', () => {
  it('gets a token with no privateKeyId: the kid is the thumbprint the registered JWK Set carries', async () => {
    const settings = keygenSettings('keygen-rs384', registered)
    const token = await runAction(fetchOAuthToken, {}, settings)
    expect(token.outcome).toBe('complete')
    expect(await lastAssertionHeader()).toEqual({ alg: 'RS384', typ: 'JWT', kid: registered.kid })
    const call = await runAction(
      authenticatedApiCall,
      { accessToken: token.dataPoints.accessToken, path: '/Patient/example' },
      settings,
    )
    expect(call.dataPoints.statusCode).toBe('200')
    expect(token.emitted).not.toContain(registered.privateKey.split('\\n')[1])
  })

  it('is refused when the kid does not match the registered key (so the match is what counts)', async () => {
    const settings = keygenSettings('keygen-rs384', registered, { privateKeyId: 'another-kid' })
    const run = await runAction(fetchOAuthToken, {}, settings)
    expect(errorOf(run).message).toContain('error "invalid_client"')
  })

  it('cli jwks prints, from the same settings, the JWK Set that was registered — public members only', async () => {
    const { code, stdout } = await cli(['jwks'], {
      OAUTHAPI_PRIVATEKEY: registered.privateKey,
      OAUTHAPI_SIGNINGALGORITHM: 'RS384',
    })
    expect(code).toBe(0)
    expect(parseJson(stdout)).toEqual(registered.jwks)
    expect(stdout).not.toMatch(/"(d|p|q|dp|dq|qi)":/)
  })

  it('sends jwksUrl as jku; the server fetches the key from that JWK Set URL', async () => {
    const jwksUrl = jwksHost.url('/.well-known/jwks.json')
    const settings = keygenSettings('keygen-es384-hosted', hosted, { jwksUrl })
    const run = await runAction(fetchOAuthToken, {}, settings)
    expect(run.outcome).toBe('complete')
    expect(await lastAssertionHeader()).toEqual({
      alg: 'ES384',
      typ: 'JWT',
      kid: hosted.kid,
      jku: jwksUrl,
    })
    expect(jwksHost.requestsTo('/.well-known/jwks.json').length).toBeGreaterThanOrEqual(1)
  })
})

describe('tokenDataPoints = reference', () => {
  const referenceSettings = (client: 'basic' | 'post'): Record<string, string> => ({
    ...servers.settingsFor(client),
    tokenDataPoints: 'reference',
  })
  const tokenOf = (reference: string | null | undefined, settings: Record<string, string>) =>
    resolveTokenReference(String(reference), parseSettings(settings).client.cacheKey)?.accessToken

  it('a full two-step run completes, and no data point or event holds the token', async () => {
    const settings = referenceSettings('basic')
    const trip = await runRoundTrip(extensions, settings, 'example')
    expect(trip.failedStep).toBeUndefined()
    // Every step but the connection check (which hands on no token) has an accessToken data point.
    const references = trip.steps.slice(0, -1).map((step) => step.result.data_points.accessToken)
    expect(references).toHaveLength(7)
    for (const reference of references) expect(reference).toMatch(REFERENCE)
    const token = tokenOf(references[0], settings)
    expect(decodeJwt(String(token)).client_id).toBe(servers.clients.basic.clientId)
    // The REST and GraphQL steps sent the very token step 1 fetched (the reference resolved, or
    // the one-step mutation got the same cached token) and handed on the same reference.
    expect(new Set(references).size).toBe(1)
    expect(JSON.stringify(trip)).not.toContain(String(token))
  })

  it('no CLI output holds the token either', async () => {
    const settings = JSON.stringify(referenceSettings('basic'))
    const fetched = await cli([
      'run',
      'oauthApi/fetchOAuthToken',
      '--fields',
      '{}',
      '--settings',
      settings,
      '--json',
    ])
    const reference = parseJson<{ data_points: Record<string, string> }>(fetched.stdout).data_points
      .accessToken
    expect(reference).toMatch(REFERENCE)
    const fields = JSON.stringify({ accessToken: reference, path: '/Patient/example' })
    const called = await cli([
      'run',
      'oauthApi/authenticatedApiCall',
      '--fields',
      fields,
      '--settings',
      settings,
    ])
    expect(called.code).toBe(0)
    expect(called.stdout).toContain('statusCode:       200')
    const token = String(tokenOf(reference, referenceSettings('basic')))
    for (const output of [fetched.stdout, fetched.stderr, called.stdout, called.stderr]) {
      expect(output).not.toContain(token)
    }
  })

  it("a reference made under one client's settings never yields its token under another's", async () => {
    const basic = referenceSettings('basic')
    const post = referenceSettings('post')
    const fetched = await runAction(fetchOAuthToken, {}, basic)
    const basicToken = String(tokenOf(fetched.dataPoints.accessToken, basic))
    expect(tokenOf(fetched.dataPoints.accessToken, post)).toBeUndefined()
    const call = await runAction(
      authenticatedApiCall,
      { accessToken: fetched.dataPoints.accessToken, path: '/Patient/example' },
      post,
    )
    expect(call.dataPoints.statusCode).toBe('200')
    expect(call.events[0].text.en).toContain('the token reference is not known here')
    const sent = String(tokenOf(call.dataPoints.accessToken, post))
    expect(sent).not.toBe(basicToken)
    expect(decodeJwt(sent).client_id).toBe(servers.clients.post.clientId)
    expect(JSON.stringify(call.callbacks)).not.toContain(basicToken)
  })

  it('an unknown reference (another replica, a restart) gets a token from the settings', async () => {
    const settings = referenceSettings('basic')
    const call = await runAction(
      authenticatedApiCall,
      { accessToken: 'oauthapi-ref:ZZZZZZZZZZZZZZZZZZZZZZ', path: '/Patient/example' },
      settings,
    )
    expect(call.dataPoints.statusCode).toBe('200')
    expect(call.dataPoints.accessToken).toMatch(REFERENCE)
    expect(call.events[0].text.en).toContain(
      '(another server or a restart, other settings or another connection, or its token expired)',
    )
  })
})

describe('scopes the server did not grant', () => {
  it('fetchOAuthToken names them in scopesNotGranted', async () => {
    const run = await runAction(
      fetchOAuthToken,
      { scope: `patient.read ${UNGRANTED_SCOPE}` },
      servers.settingsFor('basic'),
    )
    expect(run.dataPoints).toMatchObject({
      scope: 'patient.read',
      scopesNotGranted: UNGRANTED_SCOPE,
    })
    expect(run.events[0].text.en).toContain(`not granted: "${UNGRANTED_SCOPE}"`)
  })
})

describe('checkConnection against oidc-provider', () => {
  it('reports endpoint, method, scopes, lifetime, claims, clock skew and the API status', async () => {
    const settings = { ...servers.settingsFor('basic'), scope: `patient.read ${UNGRANTED_SCOPE}` }
    const run = await runAction(checkConnection, { path: '/metadata' }, settings)
    expect(run.outcome).toBe('complete')
    const { tokenClaims, clockSkewSeconds, expiresIn, ...dataPoints } = run.dataPoints
    expect(dataPoints).toEqual({
      tokenEndpoint: servers.tokenUrl,
      clientAuthMethod: 'client_secret_basic',
      grantedScope: 'patient.read',
      scopesNotGranted: UNGRANTED_SCOPE,
      tokenFormat: 'jwt',
      apiStatusCode: '200',
      tokenField: 'access_token',
      lifetimeSource: 'expiresIn',
    })
    expect(Number(expiresIn)).toBeGreaterThanOrEqual(118)
    expect(Math.abs(Number(clockSkewSeconds))).toBeLessThanOrEqual(1)
    expect(JSON.parse(String(tokenClaims))).toMatchObject({
      iss: servers.issuer,
      aud: servers.apiAudience,
      scope: 'patient.read',
      client_id: servers.clients.basic.clientId,
    })
  })

  it('discovers the token endpoint, and checks a keygen private_key_jwt client', async () => {
    const settings = {
      ...keygenSettings('keygen-rs384', registered),
      tokenUrl: '',
      issuerUrl: servers.issuer,
    }
    const run = await runAction(checkConnection, { path: '/Patient/example' }, settings)
    expect(run.dataPoints).toMatchObject({
      tokenEndpoint: servers.tokenUrl,
      clientAuthMethod: 'private_key_jwt',
      apiStatusCode: '200',
    })
  })

  it('fails for a wrong secret with a sentence that says what to check', async () => {
    const settings = { ...servers.settingsFor('basic'), clientSecret: 'wrong secret' }
    const run = await runAction(checkConnection, {}, settings)
    expect(run.code).toBe('TOKEN_REQUEST_REFUSED')
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toMatch(
      /^The token endpoint refused the request \(HTTP 401\): error "invalid_client".*\. Check the "Client ID" and "Client secret" settings, and how the server expects the secret \("Client authentication"\): client_secret_basic .* client_secret_post in the request body\.$/,
    )
  })

  it('fails for a scope the client may not have, naming the Scope setting', async () => {
    const run = await runAction(
      checkConnection,
      {},
      { ...servers.settingsFor('readOnly'), scope: 'patient.write' },
    )
    expect(errorOf(run).message).toContain('error "invalid_scope"')
    expect(errorOf(run).message).toContain('Check the "Scope" setting')
  })
})
