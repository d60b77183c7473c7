// End-to-end tests of the local servers with plain HTTP requests (not the extension): the
// oidc-provider authorization server and the protected sample FHIR API.

import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import axios, { type AxiosResponse } from 'axios'
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose'
import { startAuthorizationServer } from '../../servers/authorizationServerProcess'
import { GRAPHQL_PATH } from '../../servers/graphqlApi'
import { startLocalServers, type LocalServers } from '../../servers/startLocalServers'

type Clients = LocalServers['clients']
type SecretClient = Clients['basic']
type PrivateKeyJwtClient = Clients['privateKeyJwtRs384'] | Clients['privateKeyJwtEs384']
type TokenResponse = { access_token: string; token_type: string; expires_in: number; scope: string }

// Every status is an answer worth looking at here.
const http = axios.create({ validateStatus: () => true })

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/** RFC 6749 §2.3.1 and Appendix B: application/x-www-form-urlencoded, before Basic. */
function formEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/%20/g, '+')
    .replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

function basicAuthorization({ clientId, clientSecret }: SecretClient): string {
  const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`
}

function postToken(
  servers: LocalServers,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<AxiosResponse> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString()
  return http.post(servers.tokenUrl, body, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  })
}

/** RFC 6749 §2.3.1 client_secret_basic. */
function requestTokenWithBasic(
  servers: LocalServers,
  client: SecretClient,
  params: Record<string, string> = {},
): Promise<AxiosResponse> {
  return postToken(servers, params, { authorization: basicAuthorization(client) })
}

/** RFC 6749 §2.3.1 client_secret_post: the credentials in the form body. */
function requestTokenWithPost(
  servers: LocalServers,
  client: SecretClient,
  params: Record<string, string> = {},
): Promise<AxiosResponse> {
  const { clientId, clientSecret } = client
  return postToken(servers, { ...params, client_id: clientId, client_secret: clientSecret })
}

/** RFC 7523 §3 client assertion, audience: the token endpoint. */
async function clientAssertion(client: PrivateKeyJwtClient, audience: string): Promise<string> {
  const key = await importPKCS8(client.privateKeyPem, client.signingAlgorithm)
  return new SignJWT({})
    .setProtectedHeader({ alg: client.signingAlgorithm, kid: client.privateKeyId, typ: 'JWT' })
    .setIssuer(client.clientId)
    .setSubject(client.clientId)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('120s')
    .sign(key)
}

function requestTokenWithAssertion(
  servers: LocalServers,
  clientId: string,
  assertion: string,
): Promise<AxiosResponse> {
  return postToken(servers, {
    client_id: clientId,
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  })
}

async function accessToken(servers: LocalServers, client: SecretClient): Promise<string> {
  const response = await requestTokenWithBasic(servers, client)
  expect(response.status).toBe(200)
  return (response.data as TokenResponse).access_token
}

function getPatient(servers: LocalServers, id: string, token?: string): Promise<AxiosResponse> {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` }
  return http.get(`${servers.apiBaseUrl}/Patient/${id}`, { headers })
}

function postObservation(servers: LocalServers, token: string): Promise<AxiosResponse> {
  const observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/example' },
    valueQuantity: { value: 72, unit: 'beats/minute' },
  }
  return http.post(`${servers.apiBaseUrl}/Observation`, observation, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
  })
}

function expectJwtAccessToken(servers: LocalServers, token: string, scope: string): void {
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' })
  const claims = decodeJwt(token)
  expect(claims).toMatchObject({ iss: servers.issuer, aud: servers.apiAudience, scope })
  expect(claims.exp! - claims.iat!).toBe(120)
}

function expectBearerError(response: AxiosResponse, status: number, error: string): void {
  expect(response.status).toBe(status)
  expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/)
  expect(response.headers['www-authenticate']).toMatch(/^Bearer /)
  expect(response.headers['www-authenticate']).toContain(`error="${error}"`)
  expect(response.data).toMatchObject({ resourceType: 'OperationOutcome' })
}

describe('local servers', () => {
  let servers: LocalServers

  beforeAll(async () => {
    servers = await startLocalServers()
  })

  afterAll(async () => {
    await servers?.stop()
  })

  describe('settings for the extension', () => {
    it('are strings for a client_secret_basic client', () => {
      const settings = servers.settingsFor('basic')
      expect(settings).toEqual({
        tokenUrl: servers.tokenUrl,
        clientId: servers.clients.basic.clientId,
        clientSecret: servers.clients.basic.clientSecret,
        clientAuthMethod: 'client_secret_basic',
        scope: 'patient.read patient.write',
        apiBaseUrl: servers.apiBaseUrl,
      })
      expect(servers.apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/)
      expect(servers.tokenUrl).toBe(`${servers.issuer}/token`)
    })

    it('give the read-only client only patient.read', () => {
      expect(servers.settingsFor('readOnly')).toMatchObject({ scope: 'patient.read' })
      expect(servers.settingsFor('post')).toMatchObject({ clientAuthMethod: 'client_secret_post' })
    })

    it('carry the private key for private_key_jwt clients', () => {
      const client = servers.clients.privateKeyJwtEs384
      expect(servers.settingsFor('privateKeyJwtEs384')).toEqual({
        tokenUrl: servers.tokenUrl,
        clientId: client.clientId,
        clientAuthMethod: 'private_key_jwt',
        scope: 'patient.read patient.write',
        apiBaseUrl: servers.apiBaseUrl,
        privateKey: client.privateKeyPem,
        privateKeyId: client.privateKeyId,
        signingAlgorithm: 'ES384',
      })
      expect(client.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
    })

    it('use secrets that need form encoding', () => {
      for (const name of ['basic', 'post', 'readOnly'] as const) {
        expect(servers.clients[name].clientSecret).toMatch(/\+.*\/.*:.*%.* /)
      }
      expect(servers.clients.basic.clientSecret).not.toBe(servers.clients.post.clientSecret)
    })
  })

  describe('token endpoint', () => {
    it('issues a JWT access token for the API to a client_secret_basic client', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.basic, {
        scope: 'patient.read patient.write',
      })
      expect(response.status).toBe(200)
      expect(response.headers['cache-control']).toBe('no-store') // RFC 6749 §5.1
      const body = response.data as TokenResponse
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120 })
      expectJwtAccessToken(servers, body.access_token, 'patient.read patient.write')
      expect(decodeJwt(body.access_token)).toMatchObject({
        client_id: servers.clients.basic.clientId,
      })
    })

    it('issues a JWT access token to a client_secret_post client', async () => {
      const response = await requestTokenWithPost(servers, servers.clients.post, {
        scope: 'patient.read',
      })
      expect(response.status).toBe(200)
      expectJwtAccessToken(servers, (response.data as TokenResponse).access_token, 'patient.read')
    })

    it('grants the registered scopes when none are requested (RFC 6749 §3.3)', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.readOnly)
      expect(response.status).toBe(200)
      expect(response.data).toMatchObject({ scope: 'patient.read' })
    })

    it('accepts the API audience as an explicit resource indicator (RFC 8707)', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.basic, {
        resource: servers.apiAudience,
      })
      expect(response.status).toBe(200)
      expect(decodeJwt((response.data as TokenResponse).access_token).aud).toBe(servers.apiAudience)
    })

    it('rejects an unknown resource indicator with invalid_target', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.basic, {
        resource: 'https://elsewhere.example/api',
      })
      expect(response.status).toBe(400)
      expect(response.data).toMatchObject({ error: 'invalid_target' })
    })

    it('rejects a wrong secret sent with Basic with invalid_client', async () => {
      const client = { ...servers.clients.basic, clientSecret: 'wrong' }
      const response = await requestTokenWithBasic(servers, client)
      expect([400, 401]).toContain(response.status)
      expect(response.data).toMatchObject({ error: 'invalid_client' })
    })

    it('rejects a wrong secret sent in the body with invalid_client', async () => {
      const client = { ...servers.clients.post, clientSecret: 'wrong' }
      const response = await requestTokenWithPost(servers, client)
      expect([400, 401]).toContain(response.status)
      expect(response.data).toMatchObject({ error: 'invalid_client' })
    })

    it('rejects credentials that were not form-encoded before Basic', async () => {
      const { clientId, clientSecret } = servers.clients.basic
      const raw = Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
      const response = await postToken(servers, {}, { authorization: `Basic ${raw}` })
      // '% x' in the secret is not a valid percent-encoding: a malformed request (RFC 6749 §5.2).
      expect(response.status).toBe(400)
      expect(response.data).toMatchObject({ error: 'invalid_request' })
    })

    it('rejects a client_secret_basic client sending its secret in the body', async () => {
      const response = await requestTokenWithPost(servers, servers.clients.basic)
      expect(response.status).toBe(401)
      expect(response.data).toMatchObject({ error: 'invalid_client' })
    })

    it('rejects a client_secret_post client sending its secret with Basic', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.post)
      expect(response.status).toBe(401)
      expect(response.data).toMatchObject({ error: 'invalid_client' })
    })

    it('rejects a scope the client is not registered for with invalid_scope', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.readOnly, {
        scope: 'patient.read patient.write',
      })
      expect(response.status).toBe(400)
      expect(response.data).toMatchObject({ error: 'invalid_scope' })
    })

    it('rejects an unknown scope with invalid_scope', async () => {
      const response = await requestTokenWithBasic(servers, servers.clients.basic, {
        scope: 'patient.read admin',
      })
      expect(response.status).toBe(400)
      expect(response.data).toMatchObject({ error: 'invalid_scope' })
    })
  })

  describe.each(['privateKeyJwtRs384', 'privateKeyJwtEs384'] as const)('%s client', (name) => {
    it('gets an access token with a signed client assertion (RFC 7523)', async () => {
      const client = servers.clients[name]
      const assertion = await clientAssertion(client, servers.tokenUrl)
      const response = await requestTokenWithAssertion(servers, client.clientId, assertion)
      expect(response.status).toBe(200)
      const { access_token: token } = response.data as TokenResponse
      expectJwtAccessToken(servers, token, 'patient.read patient.write')
      expect((await getPatient(servers, 'example', token)).status).toBe(200)
    })

    it('cannot replay a client assertion (same jti)', async () => {
      const client = servers.clients[name]
      const assertion = await clientAssertion(client, servers.tokenUrl)
      expect((await requestTokenWithAssertion(servers, client.clientId, assertion)).status).toBe(
        200,
      )
      const replay = await requestTokenWithAssertion(servers, client.clientId, assertion)
      expect(replay.data).toMatchObject({ error: 'invalid_client' })
    })

    it('rejects an assertion for another audience', async () => {
      const client = servers.clients[name]
      const assertion = await clientAssertion(client, 'https://elsewhere.example/token')
      const response = await requestTokenWithAssertion(servers, client.clientId, assertion)
      expect(response.data).toMatchObject({ error: 'invalid_client' })
    })
  })

  describe('sample FHIR API', () => {
    it('returns a Patient for a token with patient.read', async () => {
      const token = await accessToken(servers, servers.clients.readOnly)
      const response = await getPatient(servers, 'example', token)
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/)
      expect(response.data).toMatchObject({
        resourceType: 'Patient',
        id: 'example',
        name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
        birthDate: '1974-12-25',
        gender: 'male',
      })
    })

    it('answers 404 with an OperationOutcome for an unknown patient', async () => {
      const token = await accessToken(servers, servers.clients.basic)
      const response = await getPatient(servers, 'nobody', token)
      expect(response.status).toBe(404)
      expect(response.data).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ code: 'not-found' }],
      })
    })

    it('creates an Observation for a token with patient.write', async () => {
      const token = await accessToken(servers, servers.clients.basic)
      const response = await postObservation(servers, token)
      expect(response.status).toBe(201)
      const created = response.data as { resourceType: string; id: string; status: string }
      expect(created).toMatchObject({ resourceType: 'Observation', status: 'final' })
      expect(created.id).toEqual(expect.any(String))
      expect(response.headers.location).toBe(
        `${servers.apiBaseUrl}/Observation/${created.id}/_history/1`,
      )
    })

    it('answers 403 insufficient_scope to a read-only token (RFC 6750 §3.1)', async () => {
      const token = await accessToken(servers, servers.clients.readOnly)
      const response = await postObservation(servers, token)
      expectBearerError(response, 403, 'insufficient_scope')
      expect(response.headers['www-authenticate']).toContain('scope="patient.write"')
    })

    it('answers 401 invalid_token to a garbage token', async () => {
      const response = await getPatient(servers, 'example', 'garbage')
      expectBearerError(response, 401, 'invalid_token')
      expect(response.headers['www-authenticate']).toContain('error_description="')
    })

    it('answers 401 invalid_token to a token signed by someone else', async () => {
      const client = servers.clients.privateKeyJwtRs384
      const forged = await new SignJWT({ scope: 'patient.read', client_id: client.clientId })
        .setProtectedHeader({ alg: 'RS384', kid: client.privateKeyId, typ: 'at+jwt' })
        .setIssuer(servers.issuer)
        .setAudience(servers.apiAudience)
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(await importPKCS8(client.privateKeyPem, 'RS384'))
      expectBearerError(await getPatient(servers, 'example', forged), 401, 'invalid_token')
    })

    it('answers 401 without an error code when no token is sent (RFC 6750 §3.1)', async () => {
      const response = await getPatient(servers, 'example')
      expect(response.status).toBe(401)
      expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]+"$/)
    })
  })

  describe('sample GraphQL endpoint (graphql-js behind the same JWT checks)', () => {
    const postGraphql = (
      body: unknown,
      headers: Record<string, string> = {},
    ): Promise<AxiosResponse> =>
      http.post(`${servers.apiBaseUrl}${GRAPHQL_PATH}`, JSON.stringify(body), {
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...headers,
        },
      })

    it('runs a query for a token with patient.read', async () => {
      const token = await accessToken(servers, servers.clients.readOnly)
      const response = await postGraphql(
        { query: '{ patient(id: "example") { first_name last_name } }' },
        { authorization: `Bearer ${token}` },
      )
      expect(response.status).toBe(200)
      expect(response.headers['content-type']).toMatch(/^application\/graphql-response\+json/)
      expect(response.data).toEqual({
        data: { patient: { first_name: 'Peter', last_name: 'Chalmers' } },
      })
    })

    it('answers a mutation without patient.write with a FORBIDDEN error and null data', async () => {
      const token = await accessToken(servers, servers.clients.readOnly)
      const response = await postGraphql(
        {
          query:
            'mutation { createPatient(input: {first_name: "A", last_name: "B"}) { patient { id } } }',
        },
        { authorization: `Bearer ${token}` },
      )
      expect(response.status).toBe(200)
      expect(response.data).toMatchObject({
        data: { createPatient: null },
        errors: [{ path: ['createPatient'], extensions: { code: 'FORBIDDEN' } }],
      })
    })

    it('answers a document that does not validate with 400, or 200 to a client that only accepts application/json', async () => {
      const token = await accessToken(servers, servers.clients.basic)
      const query = { query: '{ nothing }' }
      const current = await postGraphql(query, { authorization: `Bearer ${token}` })
      expect(current.status).toBe(400)
      expect(current.data).toEqual({
        errors: [
          {
            message: 'Cannot query field "nothing" on type "Query".',
            locations: [{ line: 1, column: 3 }],
          },
        ],
      })
      const legacy = await postGraphql(query, {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      })
      expect(legacy.status).toBe(200)
      expect(legacy.headers['content-type']).toMatch(/^application\/json/)
    })

    it('answers 401 invalid_token with GraphQL errors to a garbage token', async () => {
      const response = await postGraphql(
        { query: '{ patient(id: "example") { id } }' },
        {
          authorization: 'Bearer garbage',
        },
      )
      expect(response.status).toBe(401)
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"')
      expect(response.data).toEqual({
        errors: [{ message: 'invalid access token: the access token is not a valid JWT' }],
      })
    })
  })

  describe('stats', () => {
    it('count token requests (failed ones too) and API requests, and record assertion jtis', async () => {
      const before = await servers.stats()
      await requestTokenWithBasic(servers, servers.clients.basic)
      await requestTokenWithBasic(servers, { ...servers.clients.basic, clientSecret: 'wrong' })
      const client = servers.clients.privateKeyJwtEs384
      const assertion = await clientAssertion(client, servers.tokenUrl)
      await requestTokenWithAssertion(servers, client.clientId, assertion)
      await getPatient(servers, 'example', 'garbage')
      const after = await servers.stats()

      expect(after.tokenRequests - before.tokenRequests).toBe(3)
      expect(after.apiRequests - before.apiRequests).toBe(1)
      expect(after.assertionJtis).toContain(decodeJwt(assertion).jti)
    })
  })
})

describe('local servers with short-lived access tokens', () => {
  let servers: LocalServers

  beforeAll(async () => {
    servers = await startLocalServers({ accessTokenTtlSeconds: 1 })
  })

  afterAll(async () => {
    await servers?.stop()
  })

  it('answers 401 invalid_token once the access token expired', async () => {
    const token = await accessToken(servers, servers.clients.basic)
    const { exp } = decodeJwt(token)
    await sleep(exp! * 1000 - Date.now() + 100)
    const response = await getPatient(servers, 'example', token)
    expectBearerError(response, 401, 'invalid_token')
    expect(response.headers['www-authenticate']).toContain('expired')
  })

  it('can be stopped more than once', async () => {
    await servers.stop()
    await expect(servers.stop()).resolves.toBeUndefined()
    await expect(servers.stats()).rejects.toThrow()
  })
})

describe('startLocalServers options', () => {
  it('rejects a non-positive access token lifetime', async () => {
    await expect(startLocalServers({ accessTokenTtlSeconds: 0 })).rejects.toThrow(RangeError)
  })
})

describe('startAuthorizationServer', () => {
  it('rejects with the stderr, not the secrets, of a server that cannot start', async () => {
    const secret = `s3cr3t+/:% x${randomUUID()}`
    const misconfiguredClient = {
      client_id: 'misconfigured',
      client_secret: secret,
      token_endpoint_auth_method: 'client_secret_basic' as const,
      scope: 'patient.read admin',
    }
    const config = {
      audience: 'urn:oauthapi:sample-fhir',
      scopes: ['patient.read'],
      accessTokenTtlSeconds: 60,
      clients: [misconfiguredClient],
    }
    const error = await startAuthorizationServer(config, [secret]).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/exited before it was ready[\s\S]*scope must only/)
    expect((error as Error).message).not.toContain(secret)
  })
})
