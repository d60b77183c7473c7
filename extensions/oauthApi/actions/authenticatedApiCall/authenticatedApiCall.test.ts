import { generateKeyPairSync } from 'node:crypto'
import { SignJWT } from 'jose'
import nock from 'nock'
import { interceptHttpWithNock } from '../../testing/interceptHttp'
import { errorOf, runAction } from '../../testing/actionRun'
import { authenticatedApiCall } from './authenticatedApiCall'

const AUTH = 'https://auth.example.com'
const API = 'https://api.example.com'
const CLIENT_SECRET = 'client-secret-value-42'
const TOKEN = 'given-token-abcdef123456'

const settings = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  tokenUrl: `${AUTH}/token`,
  clientId: 'client-1',
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: `${API}/fhir/R4`,
  ...overrides,
})

/** A token endpoint that counts its requests and hands out distinct tokens. */
const tokenEndpoint = (times = 5): { requests: () => number; issued: string[] } => {
  const issued: string[] = []
  nock(AUTH)
    .post('/token')
    .times(times)
    .reply(() => {
      const token = `fresh-token-${issued.length + 1}-${Math.random().toString(36).slice(2)}`
      issued.push(token)
      return [200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }]
    })
  return { requests: () => issued.length, issued }
}

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const jwtExpiringIn = (seconds: number): Promise<string> => {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ scope: 'patient.read' })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuedAt(now - 3600)
    .setExpirationTime(now + seconds)
    .sign(signingKey)
}

interceptHttpWithNock()

describe('authenticatedApiCall: the request', () => {
  it('sends the given token as a Bearer header and saves status, body and headers', async () => {
    let authorization: string | undefined
    nock(API)
      .get('/fhir/R4/Patient/123')
      .query({ _elements: 'name', _include: ['a', 'b'], count: '2' })
      .reply(function () {
        authorization = this.req.headers['authorization'] as string
        expect(this.req.headers['x-tenant']).toBe('t1')
        return [
          200,
          { resourceType: 'Patient', id: '123' },
          { 'Content-Type': 'application/fhir+json' },
        ]
      })
    const run = await runAction(
      authenticatedApiCall,
      {
        accessToken: TOKEN,
        path: '/Patient/123',
        query: '{"_elements":"name","_include":["a","b"],"count":2}',
        headers: { 'X-Tenant': 't1' },
      },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(authorization).toBe(`Bearer ${TOKEN}`)
    expect(run.dataPoints).toMatchObject({
      statusCode: '200',
      responseBody: JSON.stringify({ resourceType: 'Patient', id: '123' }),
      accessToken: TOKEN,
      tokenRefreshed: 'false',
    })
    expect(JSON.parse(run.dataPoints.responseHeaders as string)['content-type']).toBe(
      'application/fhir+json',
    )
    expect(run.events[0].text.en).toBe(
      'GET /fhir/R4/Patient/123 answered HTTP 200 (token from the accessToken field).',
    )
    expect(run.emitted).not.toContain(TOKEN)
  })

  it('sends a JSON body with POST, and accepts an absolute URL under the base', async () => {
    let received: unknown
    nock(API)
      .post('/fhir/R4/Observation')
      .reply(function (_uri, body) {
        expect(this.req.headers['content-type']).toBe('application/json')
        received = body
        return [201, { id: 'obs-1' }]
      })
    const run = await runAction(
      authenticatedApiCall,
      {
        accessToken: TOKEN,
        method: 'post',
        path: `${API}/fhir/R4/Observation`,
        body: '{"status":"final"}',
      },
      settings(),
    )
    expect(run.dataPoints.statusCode).toBe('201')
    expect(received).toEqual({ status: 'final' })
  })

  it.each([
    ['text', 'plain text', JSON.stringify('plain text')],
    ['empty', '', 'null'],
  ])('saves a %s body as JSON', async (_case, body, expected) => {
    nock(API).delete('/fhir/R4/Patient/1').reply(200, body)
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'DELETE', path: 'Patient/1' },
      settings(),
    )
    expect(run.dataPoints.responseBody).toBe(expected)
  })

  it.each([
    ['another origin', 'https://evil.example.com/fhir/R4/Patient'],
    ['a protocol-relative URL', '//evil.example.com/x'],
    ['a path that climbs out', '/../../admin'],
    ['an encoded climb', '/%2e%2e/%2E%2E/admin'],
    ['a backslash climb', '\\..\\..\\admin'],
    ['a sibling path', `${API}/fhir/R4x/Patient`],
    ['userinfo', 'https://user:pw@api.example.com/fhir/R4/Patient'],
  ])('refuses %s with WRONG_INPUT before any request', async (_case, path) => {
    const api = nock(/example\.com/)
      .get(/.*/)
      .reply(200, {})
    const run = await runAction(authenticatedApiCall, { accessToken: TOKEN, path }, settings())
    expect(errorOf(run).category).toBe('WRONG_INPUT')
    expect(errorOf(run).message).toMatch(/^Field "path": refused/)
    expect(api.isDone()).toBe(false)
  })

  it.each([
    [
      { headers: '{"Authorization":"Basic x"}' },
      'Field "headers": header "Authorization" cannot be set',
    ],
    [
      { headers: '{"X-A":"1\\r\\nX-Injected: 1"}' },
      'Field "headers": header "X-A" has a control character',
    ],
    [{ headers: '[1]' }, 'Field "headers": must be a JSON object'],
    [{ query: '{"a":{"b":1}}' }, 'Field "query": value of "a" must be a string or a number'],
    [{ body: '{not json', method: 'POST' }, 'Field "body": is not valid JSON'],
    [{ body: '{"a":1}' }, 'Field "body": a GET request has no body'],
    [{ method: 'TRACE' }, 'Field "method": must be one of GET, POST, PUT, PATCH, DELETE'],
    [{ path: '' }, 'Field "path": is required'],
    [{ tokenExpiresAt: 'tomorrow' }, 'Field "tokenExpiresAt": must be an ISO-8601 date-time'],
    [{ renewOnStatus: '401, 2xx' }, 'Field "renewOnStatus": must be comma-separated HTTP statuses'],
    [{ accessToken: 'abc\r\ndef' }, 'Field "accessToken": the access token has characters'],
  ])('refuses fields %j with WRONG_INPUT naming the field', async (fields, message) => {
    const api = nock(API).get(/.*/).reply(200, {})
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient', ...fields },
      settings(),
    )
    expect(errorOf(run).category).toBe('WRONG_INPUT')
    expect(errorOf(run).message).toContain(message)
    expect(api.isDone()).toBe(false)
  })

  it('refuses an http API base URL off loopback', async () => {
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/x' },
      settings({ apiBaseUrl: 'http://api.example.com' }),
    )
    expect(errorOf(run)).toEqual({
      category: 'MISSING_SETTINGS',
      message: 'Setting "apiBaseUrl": must use https (http is allowed only on localhost)',
    })
  })
})

describe('authenticatedApiCall: HTTP errors', () => {
  it('fails a 404 as BAD_REQUEST with the status and at most 1,000 characters of the body', async () => {
    nock(API).get('/fhir/R4/Patient/404').reply(404, 'x'.repeat(5000))
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/404' },
      settings(),
    )
    const { category, message } = errorOf(run)
    expect(category).toBe('BAD_REQUEST')
    expect(message).toBe(
      `The API answered HTTP 404 to GET /fhir/R4/Patient/404. Body: ${'x'.repeat(1000)}…`,
    )
  })

  it('fails a 500 as SERVER_ERROR after three attempts for a GET', async () => {
    const api = nock(API).get('/fhir/R4/Patient/1').times(3).reply(503, 'busy')
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(errorOf(run).category).toBe('SERVER_ERROR')
    expect(errorOf(run).message).toContain('HTTP 503')
    expect(errorOf(run).message).toContain('tried 3 times')
    expect(api.isDone()).toBe(true)
  })

  it('completes a non-2xx with its data points when failOnHttpError is off', async () => {
    nock(API).get('/fhir/R4/Patient/404').reply(404, { resourceType: 'OperationOutcome' })
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/404', failOnHttpError: false },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.statusCode).toBe('404')
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual({
      resourceType: 'OperationOutcome',
    })
  })
})

describe('authenticatedApiCall: keeping the token fresh', () => {
  it('gets a token itself when accessToken is empty (one-step mode), and reuses it', async () => {
    const auth = tokenEndpoint()
    nock(API).get('/fhir/R4/Patient/1').times(2).reply(200, {})
    const first = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settings())
    const second = await runAction(
      authenticatedApiCall,
      { accessToken: '', path: '/Patient/1' },
      settings(),
    )
    expect(auth.requests()).toBe(1)
    expect(first.dataPoints.accessToken).toBe(auth.issued[0])
    expect(second.dataPoints.accessToken).toBe(auth.issued[0])
    expect(first.events[0].text.en).toContain('(new token fetched)')
    expect(second.dataPoints.tokenRefreshed).toBe('false')
  })

  it('replaces a JWT whose exp has passed, with exactly one token request', async () => {
    const auth = tokenEndpoint()
    const sent: string[] = []
    nock(API)
      .get('/fhir/R4/Patient/1')
      .reply(function () {
        sent.push(this.req.headers['authorization'] as string)
        return [200, {}]
      })
    const expired = await jwtExpiringIn(-10)
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: expired, path: '/Patient/1' },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(auth.requests()).toBe(1)
    expect(sent).toEqual([`Bearer ${auth.issued[0]}`])
    expect(run.dataPoints).toMatchObject({ tokenRefreshed: 'true', accessToken: auth.issued[0] })
    expect(run.emitted).not.toContain(expired)
  })

  it('replaces a token whose tokenExpiresAt has passed, and keeps one that is still valid', async () => {
    const auth = tokenEndpoint()
    nock(API).get('/fhir/R4/Patient/1').times(2).reply(200, {})
    const past = new Date(Date.now() - 1000).toISOString()
    const future = new Date(Date.now() + 3_600_000).toISOString()
    const replaced = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, tokenExpiresAt: past, path: '/Patient/1' },
      settings(),
    )
    const kept = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, tokenExpiresAt: future, path: '/Patient/1' },
      settings(),
    )
    expect(auth.requests()).toBe(1)
    expect(replaced.dataPoints.tokenRefreshed).toBe('true')
    expect(kept.dataPoints).toMatchObject({ tokenRefreshed: 'false', accessToken: TOKEN })
  })

  it('renews once after a 401 and repeats the request (also a POST)', async () => {
    const auth = tokenEndpoint()
    const sent: string[] = []
    nock(API)
      .post('/fhir/R4/Observation')
      .times(2)
      .reply(function () {
        sent.push(this.req.headers['authorization'] as string)
        return sent.length === 1
          ? [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }]
          : [201, { id: 'o1' }]
      })
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'POST', path: '/Observation', body: { status: 'final' } },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(auth.requests()).toBe(1)
    expect(sent).toEqual([`Bearer ${TOKEN}`, `Bearer ${auth.issued[0]}`])
    expect(run.dataPoints).toMatchObject({ statusCode: '201', tokenRefreshed: 'true' })
    expect(run.events[0].text.en).toContain('(token renewed after HTTP 401)')
  })

  it('fails after a second 401, quoting the RFC 6750 error', async () => {
    tokenEndpoint()
    nock(API)
      .get('/fhir/R4/Patient/1')
      .times(2)
      .reply(
        401,
        { resourceType: 'OperationOutcome' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settings())
    const { category, message } = errorOf(run)
    expect(category).toBe('BAD_REQUEST')
    expect(message).toContain('HTTP 401')
    expect(message).toContain('WWW-Authenticate: Bearer error="invalid_token"')
    expect(message).toContain('the token was renewed after HTTP 401 and the retry was refused too')
  })

  it('renews on the statuses in renewOnStatus (an API that signals expiry with 403)', async () => {
    const auth = tokenEndpoint()
    nock(API)
      .get('/fhir/R4/Patient/1')
      .reply(403, 'expired')
      .get('/fhir/R4/Patient/1')
      .reply(200, {})
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1', renewOnStatus: '401,403' },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(auth.requests()).toBe(1)

    nock(API).get('/fhir/R4/Patient/2').reply(403, 'forbidden')
    const notRenewed = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/2' },
      settings(),
    )
    expect(errorOf(notRenewed).message).toContain('HTTP 403')
    expect(auth.requests()).toBe(1)
  })

  it('never sends the token to a redirect outside the base URL', async () => {
    nock(API)
      .get('/fhir/R4/Patient/1')
      .reply(302, '', { Location: 'https://evil.example.com/steal' })
    const evil = nock('https://evil.example.com').get('/steal').reply(200, {})
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toContain(
      'outside the API base URL (another origin), so the redirect was not followed',
    )
    expect(evil.isDone()).toBe(false)
  })

  it('follows a redirect under the base URL', async () => {
    nock(API)
      .get('/fhir/R4/Patient/1')
      .reply(301, '', { Location: '/fhir/R4/Patient/1b' })
      .get('/fhir/R4/Patient/1b')
      .reply(200, { id: '1b' })
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(run.dataPoints.responseBody).toBe('{"id":"1b"}')
  })
})
