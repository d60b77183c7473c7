import { generateKeyPairSync } from 'node:crypto'
import type { Helpers, RateLimitResult } from '@awell-health/extensions-core'
import { errorOf, runAction, type ActionRun } from '../../__mocks__/oauthApiTestKit/actionRun'
import { useStubServer, type StubRequest } from '../../__mocks__/oauthApiTestKit/stubServer'
import { signJwt } from '../../lib/oauth/jws'
import { fetchOAuthToken } from '../fetchOAuthToken'
import { authenticatedApiCall } from './authenticatedApiCall'

// The token endpoint, the API and another origin: real servers on 127.0.0.1.
const auth = useStubServer()
const api = useStubServer()
const elsewhere = useStubServer()

const CLIENT_SECRET = 'client-secret-value-42'
const TOKEN = 'given-token-abcdef123456'

const settings = (
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> => ({
  tokenUrl: `${auth.origin}/token`,
  clientId: 'client-1',
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: `${api.origin}/fhir/R4`,
  ...overrides,
})

/** A token endpoint that counts its requests and hands out distinct tokens. */
const tokenEndpoint = (times = 5): { requests: () => number; issued: string[] } => {
  const issued: string[] = []
  auth.on(
    'POST',
    '/token',
    () => {
      const token = `fresh-token-${issued.length + 1}-${Math.random().toString(36).slice(2)}`
      issued.push(token)
      return [200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }]
    },
    { times },
  )
  return { requests: () => issued.length, issued }
}

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const jwtExpiringIn = (seconds: number): string => {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({
    header: {},
    claims: { scope: 'patient.read', iat: now - 3600, exp: now + seconds },
    key: signingKey,
    algorithm: 'RS256',
  })
}

describe('authenticatedApiCall: the request', () => {
  it('sends the given token as a Bearer header and saves status, body and headers', async () => {
    const patient = api.on('GET', '/fhir/R4/Patient/123', [
      200,
      { resourceType: 'Patient', id: '123' },
      { 'Content-Type': 'application/fhir+json' },
    ])
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
    const [request] = patient.requests
    expect(request.headers['authorization']).toBe(`Bearer ${TOKEN}`)
    expect(request.headers['x-tenant']).toBe('t1')
    expect([...request.query]).toEqual([
      ['_elements', 'name'],
      ['_include', 'a'],
      ['_include', 'b'],
      ['count', '2'],
    ])
    expect(run.dataPoints).toMatchObject({
      statusCode: '200',
      responseBody: JSON.stringify({ resourceType: 'Patient', id: '123' }),
      accessToken: TOKEN,
      tokenRefreshed: 'false',
    })
    expect(
      (JSON.parse(run.dataPoints.responseHeaders as string) as Record<string, string>)[
        'content-type'
      ],
    ).toBe('application/fhir+json')
    expect(run.events[0].text.en).toBe(
      'GET /fhir/R4/Patient/123 answered HTTP 200 (token from the accessToken field).',
    )
    expect(run.emitted).not.toContain(TOKEN)
  })

  it('sends a JSON body with POST, and accepts an absolute URL under the base', async () => {
    const observation = api.on('POST', '/fhir/R4/Observation', [201, { id: 'obs-1' }])
    const run = await runAction(
      authenticatedApiCall,
      {
        accessToken: TOKEN,
        method: 'post',
        path: `${api.origin}/fhir/R4/Observation`,
        body: '{"status":"final"}',
      },
      settings(),
    )
    expect(run.dataPoints.statusCode).toBe('201')
    const [request] = observation.requests
    expect(request.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request.body)).toEqual({ status: 'final' })
  })

  it.each([
    ['text', 'plain text', JSON.stringify('plain text')],
    ['empty', '', 'null'],
    // A JSON body is kept as the server wrote it (parsed once, not serialized again).
    [
      'pretty-printed JSON',
      '\n{\n  "id": "1",\n  "tags": ["a"]\n}\n',
      '{\n  "id": "1",\n  "tags": ["a"]\n}',
    ],
    // An integer beyond double precision keeps its digits (JSON.stringify would round it).
    ['64-bit id', '{"id":12345678901234567891}', '{"id":12345678901234567891}'],
  ])('saves a %s body as JSON', async (_case, body, expected) => {
    api.on('DELETE', '/fhir/R4/Patient/1', [200, body])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'DELETE', path: 'Patient/1' },
      settings(),
    )
    expect(run.dataPoints.responseBody).toBe(expected)
  })

  it.each([
    ['another origin', () => `${elsewhere.origin}/fhir/R4/Patient`],
    ['a protocol-relative URL', () => `//${new URL(elsewhere.origin).host}/x`],
    ['a path that climbs out', () => '/../../admin'],
    ['an encoded climb', () => '/%2e%2e/%2E%2E/admin'],
    ['a backslash climb', () => '\\..\\..\\admin'],
    ['a sibling path', () => `${api.origin}/fhir/R4x/Patient`],
    ['userinfo', () => `http://user:pw@${new URL(api.origin).host}/fhir/R4/Patient`],
  ])('refuses %s with WRONG_INPUT before any request', async (_case, pathOf) => {
    api.on('GET', /.*/, [200, {}])
    elsewhere.on('GET', /.*/, [200, {}])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: pathOf() },
      settings(),
    )
    expect(errorOf(run)).toMatchObject({ category: 'WRONG_INPUT', code: 'PATH_OUTSIDE_BASE' })
    expect(errorOf(run).message).toMatch(/^Field "path": refused/)
    expect(api.requests).toHaveLength(0)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it.each([
    [
      { headers: '{"Authorization":"Basic x"}' },
      'Field "headers": header "Authorization" cannot be set',
      'HEADER_REFUSED',
    ],
    [
      { headers: '{"X-A":"1\\r\\nX-Injected: 1"}' },
      'Field "headers": header "X-A" has a control character',
      'HEADER_REFUSED',
    ],
    [{ headers: '[1]' }, 'Field "headers": must be a JSON object', 'INVALID_FIELD'],
    [
      { query: '{"a":{"b":1}}' },
      'Field "query": value of "a" must be a string or a number',
      'INVALID_FIELD',
    ],
    [{ body: '{not json', method: 'POST' }, 'Field "body": is not valid JSON', 'INVALID_FIELD'],
    [{ body: '{"a":1}' }, 'Field "body": a GET request has no body', 'INVALID_FIELD'],
    [
      { method: 'TRACE' },
      'Field "method": must be one of GET, POST, PUT, PATCH, DELETE',
      'INVALID_FIELD',
    ],
    [{ path: '' }, 'Field "path": is required', 'INVALID_FIELD'],
    [
      { tokenExpiresAt: 'tomorrow' },
      'Field "tokenExpiresAt": must be an ISO-8601 date-time',
      'INVALID_FIELD',
    ],
    [
      { renewOnStatus: '401, 2xx' },
      'Field "renewOnStatus": must be comma-separated HTTP statuses',
      'INVALID_FIELD',
    ],
    [
      { accessToken: 'abc\r\ndef' },
      'Field "accessToken": the access token has characters',
      'INVALID_FIELD',
    ],
  ])('refuses fields %j with WRONG_INPUT naming the field', async (fields, message, code) => {
    api.on('GET', /.*/, [200, {}])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient', ...fields },
      settings(),
    )
    expect(errorOf(run)).toMatchObject({ category: 'WRONG_INPUT', code })
    expect(errorOf(run).message).toContain(message)
    expect(api.requests).toHaveLength(0)
  })

  it('refuses an http API base URL off loopback', async () => {
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/x' },
      settings({ apiBaseUrl: 'http://api.example.com' }),
    )
    expect(errorOf(run)).toEqual({
      category: 'MISSING_SETTINGS',
      code: 'INVALID_SETTING',
      message: 'Setting "apiBaseUrl": must use https (http is allowed only on localhost)',
    })
  })
})

describe('authenticatedApiCall: HTTP errors', () => {
  it('fails a 404 as BAD_REQUEST with the status and at most 1,000 characters of the body', async () => {
    api.on('GET', '/fhir/R4/Patient/404', [404, 'x'.repeat(5000)])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/404' },
      settings(),
    )
    const { category, code, message } = errorOf(run)
    expect([category, code]).toEqual(['BAD_REQUEST', 'API_CLIENT_ERROR'])
    expect(message).toBe(
      `The API answered HTTP 404 to GET /fhir/R4/Patient/404. Body: ${'x'.repeat(1000)}…`,
    )
  })

  it('fails a 500 as SERVER_ERROR after three attempts for a GET', async () => {
    const patient = api.on('GET', '/fhir/R4/Patient/1', [503, 'busy'], { times: 3 })
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code: 'API_SERVER_ERROR' })
    expect(errorOf(run).message).toContain('HTTP 503')
    expect(errorOf(run).message).toContain('tried 3 times')
    expect(patient.isDone()).toBe(true)
  })

  it('completes a non-2xx with its data points when failOnHttpError is off', async () => {
    api.on('GET', '/fhir/R4/Patient/404', [404, { resourceType: 'OperationOutcome' }])
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
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/Patient/1', [200, {}], { times: 2 })
    const first = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settings())
    const second = await runAction(
      authenticatedApiCall,
      { accessToken: '', path: '/Patient/1' },
      settings(),
    )
    expect(tokens.requests()).toBe(1)
    expect(first.dataPoints.accessToken).toBe(tokens.issued[0])
    expect(second.dataPoints.accessToken).toBe(tokens.issued[0])
    expect(first.events[0].text.en).toContain('(new token fetched)')
    expect(second.dataPoints.tokenRefreshed).toBe('false')
  })

  it('replaces a JWT whose exp has passed, with exactly one token request', async () => {
    const tokens = tokenEndpoint()
    const patient = api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    const expired = jwtExpiringIn(-10)
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: expired, path: '/Patient/1' },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)
    expect(patient.requests.map((request) => request.headers['authorization'])).toEqual([
      `Bearer ${tokens.issued[0]}`,
    ])
    expect(run.dataPoints).toMatchObject({ tokenRefreshed: 'true', accessToken: tokens.issued[0] })
    expect(run.emitted).not.toContain(expired)
  })

  it('replaces a token whose tokenExpiresAt has passed, and keeps one that is still valid', async () => {
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/Patient/1', [200, {}], { times: 2 })
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
    expect(tokens.requests()).toBe(1)
    expect(replaced.dataPoints.tokenRefreshed).toBe('true')
    expect(kept.dataPoints).toMatchObject({ tokenRefreshed: 'false', accessToken: TOKEN })
  })

  it('renews once after a 401 and repeats the request (also a POST)', async () => {
    const tokens = tokenEndpoint()
    const observation = api.on(
      'POST',
      '/fhir/R4/Observation',
      () =>
        observation.requests.length === 1
          ? [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }]
          : [201, { id: 'o1' }],
      { times: 2 },
    )
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'POST', path: '/Observation', body: { status: 'final' } },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)
    expect(observation.requests.map((request) => request.headers['authorization'])).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${tokens.issued[0]}`,
    ])
    expect(run.dataPoints).toMatchObject({ statusCode: '201', tokenRefreshed: 'true' })
    expect(run.events[0].text.en).toContain('(token renewed after HTTP 401)')
  })

  it('fails after a second 401, quoting the RFC 6750 error', async () => {
    tokenEndpoint()
    api.on(
      'GET',
      '/fhir/R4/Patient/1',
      [
        401,
        { resourceType: 'OperationOutcome' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      ],
      { times: 2 },
    )
    const run = await runAction(authenticatedApiCall, { path: '/Patient/1' }, settings())
    const { category, code, message } = errorOf(run)
    expect([category, code]).toEqual(['BAD_REQUEST', 'API_CLIENT_ERROR'])
    expect(message).toContain('HTTP 401')
    expect(message).toContain('WWW-Authenticate: Bearer error="invalid_token"')
    expect(message).toContain('the token was renewed after HTTP 401 and the retry was refused too')
  })

  it('renews on the statuses in renewOnStatus (an API that signals expiry with 403)', async () => {
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/Patient/1', [403, 'expired'])
    api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1', renewOnStatus: '401,403' },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)

    api.on('GET', '/fhir/R4/Patient/2', [403, 'forbidden'])
    const notRenewed = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/2' },
      settings(),
    )
    expect(errorOf(notRenewed)).toMatchObject({ code: 'API_CLIENT_ERROR' })
    expect(errorOf(notRenewed).message).toContain('HTTP 403')
    expect(tokens.requests()).toBe(1)
  })

  it('never sends the token to a redirect outside the base URL', async () => {
    api.on('GET', '/fhir/R4/Patient/1', [302, '', { Location: `${elsewhere.origin}/steal` }])
    const evil = elsewhere.on('GET', '/steal', [200, {}])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(errorOf(run)).toMatchObject({ category: 'BAD_REQUEST', code: 'API_REDIRECT_REFUSED' })
    expect(errorOf(run).message).toContain(
      'outside the API base URL (another origin), so the redirect was not followed',
    )
    expect(evil.isDone()).toBe(false)
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('follows a redirect under the base URL', async () => {
    api.on('GET', '/fhir/R4/Patient/1', [301, '', { Location: '/fhir/R4/Patient/1b' }])
    api.on('GET', '/fhir/R4/Patient/1b', [200, { id: '1b' }])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      settings(),
    )
    expect(run.dataPoints.responseBody).toBe('{"id":"1b"}')
  })
})

describe('authenticatedApiCall: body formats', () => {
  const post = (fields: Record<string, unknown>): Promise<ActionRun> =>
    runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'POST', path: '/Thing', ...fields },
      settings(),
    )

  it('fhir+json: the JSON as application/fhir+json, asking for FHIR JSON back', async () => {
    const thing = api.on('POST', '/fhir/R4/Thing', [201, {}])
    await post({ bodyFormat: 'fhir+json', body: '{"resourceType":"Observation","valueInteger":7}' })
    const [request] = thing.requests
    expect(request.headers['content-type']).toBe('application/fhir+json')
    expect(request.headers['accept']).toBe('application/fhir+json')
    expect(request.body).toBe('{"resourceType":"Observation","valueInteger":7}')
  })

  it('fhir+json: an Accept in headers is kept; a GET asks for FHIR JSON too', async () => {
    const thing = api.on('POST', '/fhir/R4/Thing', [201, {}])
    const patient = api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    await post({ bodyFormat: 'fhir+json', body: {}, headers: { Accept: 'application/json' } })
    await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1', bodyFormat: 'fhir+json' },
      settings(),
    )
    expect(thing.requests[0].headers['accept']).toBe('application/json')
    expect(patient.requests[0].headers['accept']).toBe('application/fhir+json')
  })

  it('form: a flat object as application/x-www-form-urlencoded (WHATWG), arrays repeating', async () => {
    const thing = api.on('POST', '/fhir/R4/Thing', [200, {}])
    await post({
      bodyFormat: 'form',
      body: { patientid: 12, reason: "a b&c=d/é!'()~*", confirmed: true, slot: ['9:00', '9:30'] },
    })
    const [request] = thing.requests
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(request.body).toBe(
      'patientid=12&reason=a+b%26c%3Dd%2F%C3%A9%21%27%28%29%7E*&confirmed=true&slot=9%3A00&slot=9%3A30',
    )
  })

  it('multipart: one part per value, with a random boundary, exactly per RFC 7578', async () => {
    const thing = api.on('POST', '/fhir/R4/Thing', [200, {}], { times: 2 })
    const body = { title: 'Note "1"', text: 'line 1\nline 2 é', pages: 2, tag: ['a', 'b'] }
    await post({ bodyFormat: 'multipart', body })
    await post({ bodyFormat: 'multipart', body })
    const [first, second] = thing.requests
    const boundaryOf = (request: StubRequest): string =>
      /^multipart\/form-data; boundary=(-{4}oauthApi[0-9a-f]{32})$/.exec(
        request.headers['content-type'] ?? '',
      )?.[1] ?? 'no boundary'
    const boundary = boundaryOf(first)
    expect(boundary).not.toBe(boundaryOf(second))
    const part = (name: string, value: string): string =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
    expect(first.bytes).toEqual(
      Buffer.from(
        part('title', 'Note "1"') +
          part('text', 'line 1\r\nline 2 é') +
          part('pages', '2') +
          part('tag', 'a') +
          part('tag', 'b') +
          `--${boundary}--\r\n`,
        'utf8',
      ),
    )
    // A real multipart parser (undici's, behind fetch's Response) reads the same entries.
    const parsed = await new Response(first.bytes, {
      headers: { 'content-type': first.headers['content-type'] ?? '' },
    }).formData()
    expect([...parsed.entries()]).toEqual([
      ['title', 'Note "1"'],
      ['text', 'line 1\r\nline 2 é'],
      ['pages', '2'],
      ['tag', 'a'],
      ['tag', 'b'],
    ])
  })

  it('text: bodyText exactly as given, in UTF-8, with the Content-Type of headers', async () => {
    const thing = api.on('POST', '/fhir/R4/Thing', [200, 'ok'], { times: 2 })
    const xml = '  <note lang="fr">café ☕</note>\n'
    await post({
      bodyFormat: 'text',
      bodyText: xml,
      headers: { 'Content-Type': 'application/xml' },
    })
    await post({ bodyFormat: 'text', bodyText: 'MSH|^~\\&|A\rPID|1' })
    const [withType, plain] = thing.requests
    expect(withType.headers['content-type']).toBe('application/xml')
    expect(withType.bytes).toEqual(Buffer.from(xml, 'utf8'))
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(plain.bytes).toEqual(Buffer.from('MSH|^~\\&|A\rPID|1', 'utf8'))
  })

  it.each([
    [
      { bodyFormat: 'form', body: '[1,2]' },
      'Field "body": must be a flat JSON object for body format "form"',
    ],
    [
      { bodyFormat: 'form', body: { a: { b: 1 } } },
      'Field "body": value of "a" must be a string, a number or true/false',
    ],
    [{ bodyFormat: 'form', body: { a: null } }, 'Field "body": value of "a" must be'],
    [
      { bodyFormat: 'multipart', body: { a: true } },
      'Field "body": value of "a" must be a string or a number',
    ],
    [{ bodyFormat: 'multipart', body: '"text"' }, 'Field "body": must be a flat JSON object'],
    [
      { bodyFormat: 'json', bodyText: 'x' },
      'Field "bodyText": is sent only with body format "text"',
    ],
    [
      { bodyText: 'x' },
      'Field "bodyText": is sent only with body format "text" (the format is "json")',
    ],
    [
      { bodyFormat: 'text', body: { a: 1 }, bodyText: 'x' },
      'Field "body": is for the JSON formats',
    ],
    [{ bodyFormat: 'text', body: '{"a":1}' }, 'Field "body": is for the JSON formats'],
    [
      { bodyFormat: 'xml', body: '{}' },
      'Field "bodyFormat": must be one of json, fhir+json, form, multipart, text',
    ],
    [
      {
        bodyFormat: 'multipart',
        body: { a: '1' },
        headers: { 'content-type': 'multipart/form-data' },
      },
      'Field "headers": Content-Type is set by body format "multipart"',
    ],
    [
      { method: 'GET', bodyFormat: 'text', bodyText: 'x' },
      'Field "bodyText": a GET request has no body',
    ],
    [
      { method: 'GET', bodyFormat: 'form', body: { a: 1 } },
      'Field "body": a GET request has no body',
    ],
    [{ maxPages: 2 }, 'Field "maxPages": pages are followed for GET requests only'],
    [{ method: 'GET', maxPages: 101 }, 'Field "maxPages": must be a whole number from 1 to 100'],
    [{ method: 'GET', maxPages: 1.5 }, 'Field "maxPages": must be a whole number from 1 to 100'],
    [{ method: 'GET', maxPages: 0 }, 'Field "maxPages": must be a whole number from 1 to 100'],
    [
      { idempotencyKey: 'k1', headers: { 'idempotency-key': 'k2' } },
      'Field "idempotencyKey": is also set in "headers"',
    ],
    [
      { idempotencyKey: 'k\r\nX-Evil: 1' },
      'Field "idempotencyKey": header "Idempotency-Key" has a control character',
    ],
  ])(
    'refuses %j with WRONG_INPUT naming the field, before any request',
    async (fields, message) => {
      api.on('POST', /.*/, [200, {}])
      api.on('GET', /.*/, [200, {}])
      const run = await post(fields)
      expect(errorOf(run).category).toBe('WRONG_INPUT')
      expect(errorOf(run).message).toContain(message)
      expect(api.requests).toHaveLength(0)
    },
  )
})

describe('authenticatedApiCall: responses that are not JSON', () => {
  const get = (): Promise<ActionRun> =>
    runAction(authenticatedApiCall, { accessToken: TOKEN, path: '/Binary/1' }, settings())

  it('keeps a PDF unchanged, as base64 with its content type', async () => {
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.4\n%'),
      Buffer.from([0xe2, 0xe3, 0xcf, 0xd3, 0x0a, 0x00, 0xff, 0x80]),
      Buffer.from('\n%%EOF\n'),
    ])
    api.on('GET', '/fhir/R4/Binary/1', [200, pdf, { 'Content-Type': 'application/pdf' }])
    const run = await get()
    const body = JSON.parse(run.dataPoints.responseBody as string) as Record<string, string>
    expect(body).toEqual({ contentType: 'application/pdf', base64: pdf.toString('base64') })
    expect(Buffer.from(body.base64, 'base64')).toEqual(pdf)
  })

  it.each([
    ['an image, even if its bytes are valid UTF-8', 'image/png', Buffer.from('PNG')],
    ['bytes that are not UTF-8, without a type', undefined, Buffer.from([0xc3, 0x28])],
    ['text/plain that is not valid UTF-8', 'text/plain', Buffer.from([0xff, 0xfe, 0x41])],
  ])('keeps %s as base64', async (_case, type, bytes) => {
    api.on('GET', '/fhir/R4/Binary/1', [
      200,
      bytes,
      type === undefined ? {} : { 'Content-Type': type },
    ])
    const run = await get()
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual({
      contentType: type ?? 'application/octet-stream',
      base64: bytes.toString('base64'),
    })
  })

  it.each([
    ['XML', 'application/xml', Buffer.from('<a>é</a>'), '<a>é</a>'],
    ['FHIR XML', 'application/fhir+xml; charset=utf-8', Buffer.from('<Patient/>'), '<Patient/>'],
    ['CSV', 'text/csv', Buffer.from('a,b\n1,2'), 'a,b\n1,2'],
    [
      'Latin-1 text',
      'text/plain; charset=ISO-8859-1',
      Buffer.from([0x63, 0x61, 0x66, 0xe9]),
      'café',
    ],
    ['JSON with a byte order mark', 'application/json', Buffer.from('\ufeff{"a":1}'), { a: 1 }],
  ])('reads %s as text', async (_case, type, bytes, expected) => {
    api.on('GET', '/fhir/R4/Binary/1', [200, bytes, { 'Content-Type': type }])
    const run = await get()
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual(expected)
  })

  it('quotes the issues of an OperationOutcome, not its narrative', async () => {
    const narrative = `<div xmlns="http://www.w3.org/1999/xhtml"><table>${'<tr><td>x</td></tr>'.repeat(200)}</table></div>`
    api.on('POST', '/fhir/R4/Observation', [
      422,
      {
        resourceType: 'OperationOutcome',
        text: { status: 'generated', div: narrative },
        issue: [
          {
            severity: 'error',
            code: 'required',
            diagnostics: 'Observation.status: minimum required = 1',
          },
          {
            severity: 'warning',
            code: 'code-invalid',
            details: { text: 'Unknown LOINC code 0000-0' },
          },
        ],
      },
      { 'Content-Type': 'application/fhir+json' },
    ])
    const run = await runAction(
      authenticatedApiCall,
      {
        accessToken: TOKEN,
        method: 'POST',
        path: '/Observation',
        body: { resourceType: 'Observation' },
      },
      settings(),
    )
    expect(errorOf(run)).toEqual({
      category: 'BAD_REQUEST',
      code: 'API_CLIENT_ERROR',
      message:
        'The API answered HTTP 422 to POST /fhir/R4/Observation. Body: OperationOutcome: error required: Observation.status: minimum required = 1; warning code-invalid: Unknown LOINC code 0000-0',
    })
  })

  it('describes a binary error body instead of quoting it', async () => {
    api.on('GET', '/fhir/R4/Binary/1', [
      500,
      Buffer.from([0, 1, 2, 255]),
      { 'Content-Type': 'application/octet-stream' },
    ])
    const run = await get()
    expect(errorOf(run).message).toContain(
      'Body: (4 bytes of application/octet-stream, not quoted)',
    )
  })

  it('fills location with the Location header resolved against the request URL', async () => {
    api.on('POST', '/fhir/R4/Observation', [201, {}, { Location: 'Observation/9/_history/1' }])
    api.on('POST', '/fhir/R4/Observation', [
      201,
      {},
      { Location: `${api.origin}/fhir/R4/Observation/10` },
    ])
    api.on('POST', '/fhir/R4/Observation', [200, {}])
    const locations: unknown[] = []
    for (let i = 0; i < 3; i++) {
      const run = await runAction(
        authenticatedApiCall,
        { accessToken: TOKEN, method: 'POST', path: '/Observation', body: {} },
        settings(),
      )
      locations.push(run.dataPoints.location)
    }
    expect(locations).toEqual([
      `${api.origin}/fhir/R4/Observation/9/_history/1`,
      `${api.origin}/fhir/R4/Observation/10`,
      undefined,
    ])
  })
})

describe('authenticatedApiCall: paging', () => {
  /** A FHIR searchset of `total` entries, `perPage` a page, next links absolute or relative. */
  const searchset = (
    total: number,
    perPage: number,
    nextLink = (page: number) => `${api.origin}/fhir/R4/Observation?_page=${page}`,
  ) =>
    api.on(
      'GET',
      '/fhir/R4/Observation',
      (request) => {
        const page = Number(request.query.get('_page') ?? '1')
        const from = (page - 1) * perPage
        const ids = Array.from(
          { length: Math.max(0, Math.min(perPage, total - from)) },
          (_, i) => `o${from + i + 1}`,
        )
        const link = [{ relation: 'self', url: `${api.origin}${request.url}` }]
        if (from + perPage < total) link.push({ relation: 'next', url: nextLink(page + 1) })
        return [
          200,
          {
            resourceType: 'Bundle',
            type: 'searchset',
            total,
            link,
            entry: ids.map((id) => ({ resource: { resourceType: 'Observation', id } })),
          },
          { 'Content-Type': 'application/fhir+json' },
        ]
      },
      { times: 10 },
    )
  const search = (
    maxPages: number | undefined,
    extra: Record<string, unknown> = {},
  ): Promise<ActionRun> =>
    runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Observation', query: { patient: 'p1' }, maxPages, ...extra },
      settings(),
    )
  const idsOf = (run: ActionRun): string[] =>
    (
      JSON.parse(run.dataPoints.responseBody as string) as {
        entry: Array<{ resource: { id: string } }>
      }
    ).entry.map((entry) => entry.resource.id)

  it('follows a Bundle over three pages into one Bundle (maxPages 5)', async () => {
    const stub = searchset(7, 3)
    const run = await search(5, { headers: { 'X-Tenant': 't1' } })
    expect(run.outcome).toBe('complete')
    expect(stub.requests.map((request) => request.url)).toEqual([
      '/fhir/R4/Observation?patient=p1',
      '/fhir/R4/Observation?_page=2',
      '/fhir/R4/Observation?_page=3',
    ])
    for (const request of stub.requests) {
      expect(request.headers['authorization']).toBe(`Bearer ${TOKEN}`)
      expect(request.headers['x-tenant']).toBe('t1')
    }
    const bundle = JSON.parse(run.dataPoints.responseBody as string) as Record<string, unknown>
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'searchset',
      total: 7,
      link: [{ relation: 'self', url: `${api.origin}/fhir/R4/Observation?patient=p1` }],
    })
    expect(idsOf(run)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'])
    expect(run.dataPoints).toMatchObject({ pageCount: '3' })
    // A search read to its end has no next page: the data point is left out, not ''.
    expect(Object.keys(run.dataPoints)).not.toContain('nextPageUrl')
    expect(run.events[0].text.en).toContain('3 page(s)')
  })

  it('stops at maxPages 2 and gives the next link in nextPageUrl', async () => {
    searchset(7, 3)
    const run = await search(2)
    expect(idsOf(run)).toEqual(['o1', 'o2', 'o3', 'o4', 'o5', 'o6'])
    expect(run.dataPoints).toMatchObject({
      pageCount: '2',
      nextPageUrl: `${api.origin}/fhir/R4/Observation?_page=3`,
    })
  })

  it('reads one page by default, as before, and says where the next one is', async () => {
    const stub = searchset(7, 3, (page) => `Observation?_page=${page}`)
    const run = await search(undefined)
    expect(stub.requests).toHaveLength(1)
    expect(idsOf(run)).toEqual(['o1', 'o2', 'o3'])
    expect(run.dataPoints).toMatchObject({
      pageCount: '1',
      nextPageUrl: `${api.origin}/fhir/R4/Observation?_page=2`,
    })
  })

  it('follows RFC 8288 Link headers; JSON array pages become one array', async () => {
    const stub = api.on(
      'GET',
      '/fhir/R4/slots',
      (request) => {
        const page = Number(request.query.get('page') ?? '1')
        const links = [`<${api.origin}/fhir/R4/slots?page=1>; rel="first"`]
        if (page < 3) links.push(`</fhir/R4/slots?page=${page + 1}>; title="a, b"; rel="last next"`)
        return [200, [{ slot: page * 10 }, { slot: page * 10 + 1 }], { Link: links.join(', ') }]
      },
      { times: 3 },
    )
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/slots', maxPages: 5 },
      settings(),
    )
    expect(stub.requests).toHaveLength(3)
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual([
      { slot: 10 },
      { slot: 11 },
      { slot: 20 },
      { slot: 21 },
      { slot: 30 },
      { slot: 31 },
    ])
    expect(run.dataPoints.pageCount).toBe('3')
  })

  it('gives pages that are neither Bundles nor arrays as an array of the page bodies', async () => {
    api.on('GET', '/fhir/R4/feed', [200, { items: [1] }, { Link: '</fhir/R4/feed2>; rel=next' }])
    api.on('GET', '/fhir/R4/feed2', [200, 'the end', { 'Content-Type': 'text/plain' }])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/feed', maxPages: 3 },
      settings(),
    )
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual([{ items: [1] }, 'the end'])
  })

  it('never follows a next link to another origin: the step fails, the origin receives nothing', async () => {
    searchset(7, 3, () => `${elsewhere.origin}/fhir/R4/Observation?_page=2`)
    elsewhere.on('GET', /.*/, [200, {}])
    const run = await search(5)
    expect(errorOf(run)).toMatchObject({ category: 'BAD_REQUEST', code: 'PAGE_OUTSIDE_BASE' })
    expect(errorOf(run).message).toBe(
      `The API's link to page 2 (${elsewhere.origin}/fhir/R4/Observation) is outside the API base URL ${api.origin}/fhir/R4/; it was not followed, as the access token is only sent under it, and the step fails rather than pass 1 page(s) off as the whole result`,
    )
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('fails when a later page fails, naming the page', async () => {
    api.on('GET', '/fhir/R4/list', [200, [1], { Link: '</fhir/R4/list2>; rel="next"' }])
    api.on('GET', '/fhir/R4/list2', [404, 'gone'])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/list', maxPages: 3, failOnHttpError: false },
      settings(),
    )
    expect(errorOf(run)).toEqual({
      category: 'BAD_REQUEST',
      code: 'API_CLIENT_ERROR',
      message: 'The API answered HTTP 404 to GET /fhir/R4/list2 (page 2). Body: gone',
    })
  })

  it('counts the size cap over all pages together', async () => {
    const page = 'x'.repeat(600)
    api.on('GET', '/fhir/R4/big', [200, [page], { Link: '</fhir/R4/big2>; rel="next"' }])
    api.on('GET', '/fhir/R4/big2', [200, [page]])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/big', maxPages: 2 },
      settings({ maxResponseSizeMB: '0.001' }),
    )
    expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code: 'TOO_LARGE' })
    expect(errorOf(run).message).toContain(
      'GET /fhir/R4/big2 (page 2): the pages together are larger than the maximum response size of 1049 bytes, 604 of them in the first 1; page 2 was not read',
    )
  })

  it('renews the token on a later page after a 401, and keeps the new one', async () => {
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/list', [200, [1], { Link: '</fhir/R4/list2>; rel="next"' }])
    const second = api.on(
      'GET',
      '/fhir/R4/list2',
      (request) =>
        request.headers['authorization'] === `Bearer ${TOKEN}`
          ? [401, '']
          : [200, [2], { Link: '</fhir/R4/list3>; rel="next"' }],
      { times: 2 },
    )
    const third = api.on('GET', '/fhir/R4/list3', [200, [3]])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/list', maxPages: 3 },
      settings(),
    )
    expect(JSON.parse(run.dataPoints.responseBody as string)).toEqual([1, 2, 3])
    expect(second.requests).toHaveLength(2)
    expect(third.requests[0].headers['authorization']).toBe(`Bearer ${tokens.issued[0]}`)
    expect(run.dataPoints).toMatchObject({ tokenRefreshed: 'true', accessToken: tokens.issued[0] })
  })
})

describe('authenticatedApiCall: idempotent writes', () => {
  it('repeats a POST with an idempotencyKey after a 503, with the same key', async () => {
    const observation = api.on(
      'POST',
      '/fhir/R4/Observation',
      () => (observation.requests.length === 1 ? [503, 'busy'] : [201, { id: 'o1' }]),
      { times: 2 },
    )
    const run = await runAction(
      authenticatedApiCall,
      {
        accessToken: TOKEN,
        method: 'POST',
        path: '/Observation',
        body: {},
        idempotencyKey: 'act-42',
      },
      settings(),
    )
    expect(run.dataPoints.statusCode).toBe('201')
    expect(observation.requests.map((request) => request.headers['idempotency-key'])).toEqual([
      'act-42',
      'act-42',
    ])
  })

  it('sends a POST without one exactly once, as before', async () => {
    const observation = api.on('POST', '/fhir/R4/Observation', [503, 'busy'])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, method: 'POST', path: '/Observation', body: {} },
      settings(),
    )
    expect(errorOf(run).message).toContain(
      'POST is not repeated, so that no record is created twice',
    )
    expect(observation.requests).toHaveLength(1)
    expect(observation.requests[0].headers['idempotency-key']).toBeUndefined()
  })
})

describe('authenticatedApiCall: rate limit (maxRequestsPerMinute)', () => {
  /** The API answers and notes when each request arrived. */
  const timedPatient = (times: number): number[] => {
    const arrivals: number[] = []
    api.on(
      'GET',
      '/fhir/R4/Patient/1',
      () => {
        arrivals.push(Date.now())
        return [200, {}]
      },
      { times },
    )
    return arrivals
  }
  const read = (
    overrides: Record<string, string | undefined>,
    helpers?: Partial<Helpers>,
    fields: Record<string, unknown> = { accessToken: TOKEN },
  ): Promise<ActionRun> =>
    runAction(
      authenticatedApiCall,
      { path: '/Patient/1', ...fields },
      settings(overrides),
      helpers === undefined ? undefined : { helpers },
    )

  it('spaces 5 concurrent runs about a second apart at 60 a minute (in-process limiter)', async () => {
    const arrivals = timedPatient(5)
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => read({ maxRequestsPerMinute: '60' })),
    )
    expect(runs.map((run) => run.outcome)).toEqual(Array(5).fill('complete'))
    const gaps = arrivals.slice(1).map((at, i) => at - arrivals[i])
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(950)
      expect(gap).toBeLessThan(1500)
    }
  })

  it('fails a run whose turn would come after its timeout, without sending it', async () => {
    const arrivals = timedPatient(1)
    const tokens = tokenEndpoint()
    // One-step mode: the token request does not take the one turn of the minute.
    const first = await read({ maxRequestsPerMinute: '1', timeoutSeconds: '1' }, undefined, {})
    const second = await read({ maxRequestsPerMinute: '1', timeoutSeconds: '1' })
    expect(first.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)
    expect(errorOf(second)).toEqual({
      category: 'SERVER_ERROR',
      code: 'RATE_LIMITED',
      message:
        'Setting "maxRequestsPerMinute": the limit of 1 requests per minute left no turn for GET /fhir/R4/Patient/1 within the step\'s timeout of 1 s; it was not sent',
    })
    expect(second.elapsedMs).toBeLessThan(500)
    expect(arrivals).toHaveLength(1)
  })

  it('keeps separate budgets for separate configurations', async () => {
    const arrivals = timedPatient(2)
    const runs = await Promise.all([
      read({ maxRequestsPerMinute: '1', timeoutSeconds: '1' }),
      read({ maxRequestsPerMinute: '1', timeoutSeconds: '1', clientId: 'client-2' }),
    ])
    expect(runs.map((run) => run.outcome)).toEqual(['complete', 'complete'])
    expect(arrivals).toHaveLength(2)
  })

  it("uses the runtime's helpers.rateLimiter when there is one, waiting as it says", async () => {
    const arrivals = timedPatient(6)
    const created: unknown[][] = []
    const keys: string[] = []
    const answers = [{ success: false, msBeforeNext: 300 }]
    const helpers: Partial<Helpers> = {
      rateLimiter: (...args) => {
        created.push(args)
        return {
          limit: (key) => {
            keys.push(key)
            const { success, msBeforeNext } = answers.shift() ?? { success: true, msBeforeNext: 0 }
            return Promise.resolve({
              success,
              result: {
                msBeforeNext,
                remainingPoints: 0,
                consumedPoints: 1,
                isFirstInDuration: false,
              } as RateLimitResult['result'],
            })
          },
          reset: () => Promise.resolve(),
        }
      },
    }
    const started = Date.now()
    const waited = await read({ maxRequestsPerMinute: '60' }, helpers)
    expect(waited.outcome).toBe('complete')
    expect(arrivals[0] - started).toBeGreaterThanOrEqual(290)
    // The runtime's limiter decides alone: 5 runs it lets through are not spaced in process.
    const runs = await Promise.all(
      Array.from({ length: 5 }, () => read({ maxRequestsPerMinute: '60' }, helpers)),
    )
    expect(runs.map((run) => run.outcome)).toEqual(Array(5).fill('complete'))
    expect(arrivals[5] - arrivals[1]).toBeLessThan(900)
    expect(created[0]).toEqual([
      'oauthApi-requests-60-per-minute',
      { requests: 60, duration: { value: 1, unit: 'minutes' } },
    ])
    // One key for one configuration: the same for every run, and no secret in it.
    expect(new Set(keys).size).toBe(1)
    expect(keys[0]).toMatch(/^[0-9a-f]{64}$/)
    expect(keys).toHaveLength(7)
  })

  it('ends within the timeout when the runtime limiter never answers', async () => {
    const arrivals = timedPatient(1)
    const helpers: Partial<Helpers> = {
      rateLimiter: () => ({
        limit: () => new Promise<RateLimitResult>(() => undefined),
        reset: () => Promise.resolve(),
      }),
    }
    const run = await read({ maxRequestsPerMinute: '60', timeoutSeconds: '1' }, helpers)
    expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code: 'RATE_LIMITED' })
    expect(run.elapsedMs).toBeLessThan(1500)
    expect(arrivals).toHaveLength(0)
  })

  it('falls back to the in-process limiter when the runtime limiter fails', async () => {
    const arrivals = timedPatient(2)
    const helpers: Partial<Helpers> = {
      rateLimiter: () => ({
        limit: () => Promise.reject(new Error('store down')),
        reset: () => Promise.resolve(),
      }),
    }
    const runs = await Promise.all([
      read({ maxRequestsPerMinute: '1', timeoutSeconds: '1' }, helpers),
      read({ maxRequestsPerMinute: '1', timeoutSeconds: '1' }, helpers),
    ])
    expect(runs.map((run) => run.code ?? run.outcome).sort()).toEqual(['RATE_LIMITED', 'complete'])
    expect(arrivals).toHaveLength(1)
  })
})

describe('authenticatedApiCall: token references (tokenDataPoints = reference)', () => {
  const referenceSettings = (overrides: Record<string, string | undefined> = {}) =>
    settings({ tokenDataPoints: 'reference', ...overrides })
  const REFERENCE = /^oauthapi-ref:[A-Za-z0-9_-]{22,}$/

  it('resolves a reference to the very token it was issued for, not to a newer one', async () => {
    const tokens = tokenEndpoint()
    const patient = api.on('GET', '/fhir/R4/Patient/1', [200, {}], { times: 2 })
    const first = await runAction(fetchOAuthToken, {}, referenceSettings())
    // The cache now holds a newer token; the reference still stands for the first.
    await runAction(fetchOAuthToken, { forceRefresh: true }, referenceSettings())
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: first.dataPoints.accessToken, path: '/Patient/1' },
      referenceSettings(),
    )
    expect(run.outcome).toBe('complete')
    expect(tokens.requests()).toBe(2)
    expect(patient.requests[0].headers['authorization']).toBe(`Bearer ${tokens.issued[0]}`)
    expect(run.events[0].text.en).toContain('(token from the reference in the accessToken field)')
    // The data point is the same reference again: one token, one reference.
    expect(run.dataPoints.accessToken).toBe(first.dataPoints.accessToken)
    for (const token of tokens.issued) expect(JSON.stringify(run.callbacks)).not.toContain(token)
  })

  it.each([
    ['another client', { clientId: 'client-2' }],
    ['another scope', { scope: 'system/Observation.rs' }],
    ['another secret', { clientSecret: 'another-secret-value' }],
  ])(
    "never yields another configuration's token: a reference made for %s",
    async (_case, other) => {
      const tokens = tokenEndpoint()
      const patient = api.on('GET', '/fhir/R4/Patient/1', [200, {}])
      const fetched = await runAction(fetchOAuthToken, {}, referenceSettings())
      const run = await runAction(
        authenticatedApiCall,
        { accessToken: fetched.dataPoints.accessToken, path: '/Patient/1' },
        referenceSettings(other),
      )
      expect(run.outcome).toBe('complete')
      expect(tokens.requests()).toBe(2)
      expect(patient.requests[0].headers['authorization']).toBe(`Bearer ${tokens.issued[1]}`)
      expect(run.events[0].text.en).toContain('the token reference is not known here')
      expect(run.dataPoints.accessToken).toMatch(REFERENCE)
      expect(run.dataPoints.accessToken).not.toBe(fetched.dataPoints.accessToken)
    },
  )

  it('treats an unknown reference as one-step mode, never as an error by itself', async () => {
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: 'oauthapi-ref:AAAAAAAAAAAAAAAAAAAAAA', path: '/Patient/1' },
      settings(),
    )
    expect(run.outcome).toBe('complete')
    expect(tokens.requests()).toBe(1)
    expect(run.events[0].text.en).toContain(
      'the token reference is not known here (another server or a restart, other settings or another connection, or its token expired), so a token was obtained from the settings: new token fetched',
    )
    // Token mode: the data point holds the token obtained.
    expect(run.dataPoints.accessToken).toBe(tokens.issued[0])
  })

  it('refuses a value that only looks like a reference, naming the field', async () => {
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: 'oauthapi-ref:not a reference', path: '/Patient/1' },
      settings(),
    )
    expect(run.code).toBe('INVALID_FIELD')
    expect(errorOf(run).message).toMatch(/^Field "accessToken": is not a token reference/)
    expect(api.requests).toHaveLength(0)
  })

  it('accepts a raw token in reference mode, and hands on a reference, also after a renewal', async () => {
    const tokens = tokenEndpoint()
    api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    const raw = await runAction(
      authenticatedApiCall,
      { accessToken: TOKEN, path: '/Patient/1' },
      referenceSettings(),
    )
    expect(raw.outcome).toBe('complete')
    expect(raw.dataPoints.accessToken).toMatch(REFERENCE)
    expect(JSON.stringify(raw.callbacks)).not.toContain(TOKEN)

    api.on('GET', '/fhir/R4/Patient/1', [401, ''])
    const patient = api.on('GET', '/fhir/R4/Patient/1', [200, {}])
    const renewed = await runAction(
      authenticatedApiCall,
      { accessToken: raw.dataPoints.accessToken, path: '/Patient/1' },
      referenceSettings(),
    )
    expect(renewed.dataPoints.tokenRefreshed).toBe('true')
    expect(patient.requests[0].headers['authorization']).toBe(`Bearer ${tokens.issued[0]}`)
    expect(renewed.dataPoints.accessToken).toMatch(REFERENCE)
    expect(renewed.dataPoints.accessToken).not.toBe(raw.dataPoints.accessToken)
    expect(JSON.stringify(renewed.callbacks)).not.toContain(tokens.issued[0])
  })
})
