/**
 * End to end, issue 21: the vendor dialects — token responses and token placement as real APIs
 * have them — against the local dialect servers (servers/dialectServers.ts), over real HTTP.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  errorOf,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  startDialectServers,
  type DialectApiMode,
  type DialectServers,
} from '../../servers/dialectServers'

const { fetchOAuthToken, authenticatedApiCall, checkConnection } = extensions[0].actions

let servers: DialectServers
beforeAll(async () => {
  servers = await startDialectServers()
})
afterAll(async () => {
  await servers?.close()
})
beforeEach(() => {
  clearCaches()
  servers.reset()
})

const call = (settings: Record<string, string>, fields: Record<string, unknown> = {}) =>
  runAction(authenticatedApiCall, { path: '/echo', ...fields }, settings)

const expectComplete = (run: ActionRun): void => {
  expect(errorOf(run)).toEqual({ category: undefined, code: undefined, message: '' })
  expect(run.outcome).toBe('complete')
}

/** Nothing secret in anything the run emitted: the token(s), the client secret, `more`. */
const expectClean = (run: ActionRun, more: readonly string[] = []): void => {
  for (const secret of [...servers.issued, servers.clientSecret, ...more]) {
    expect(run.emitted).not.toContain(secret)
    expect(run.emitted).not.toContain(encodeURIComponent(secret))
  }
}

describe('token responses in vendor dialects', () => {
  it('Salesforce: no lifetime in the answer; cached for tokenLifetimeSeconds, renewed after it', async () => {
    const settings = servers.settingsFor('salesforce', 'bearer', { tokenLifetimeSeconds: '2' })
    const first = await call(settings)
    expectComplete(first)
    expect(first.dataPoints.statusCode).toBe('200')
    // A Salesforce token carries "!" and goes as it is after "Bearer ".
    expect(servers.issued[0]).toContain('!')
    expect(servers.apiRequests()[0]?.headers['authorization']).toBe(`Bearer ${servers.issued[0]}`)
    expectComplete(await call(settings))
    expect(servers.tokenRequests('salesforce')).toHaveLength(1)
    // 2 s, less the renewal margin (a fifth of it): renewed once 1.6 s have passed.
    await sleep(1700)
    expectComplete(await call(settings))
    expect(servers.tokenRequests('salesforce')).toHaveLength(2)
    expectClean(first)
  })

  it('Salesforce without tokenLifetimeSeconds: works, lifetime unknown; a 401 renews', async () => {
    const settings = servers.settingsFor('salesforce', 'bearer')
    const fetched = await runAction(fetchOAuthToken, {}, settings)
    expectComplete(fetched)
    expect(fetched.dataPoints.expiresIn).toBeUndefined()
    servers.revokeAll()
    const renewed = await call(settings)
    expectComplete(renewed)
    expect(renewed.events[0]?.text.en).toContain('token renewed after HTTP 401')
    expect(servers.tokenRequests('salesforce')).toHaveLength(2)
  })

  it('Check OAuth connection says where the token and its lifetime came from', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [
        servers.settingsFor('salesforce', 'bearer', { tokenLifetimeSeconds: '600' }),
        'access_token',
        'tokenLifetimeSeconds',
      ],
      [servers.settingsFor('salesforce', 'bearer'), 'access_token', 'unknown'],
      [servers.settingsFor('bcda', 'bearer'), 'access_token', 'expiresIn'],
      [servers.settingsFor('nested', 'bearer'), 'data.token', 'expiresIn'],
      [servers.settingsFor('absolute', 'bearer'), 'idToken', 'expiresAt'],
    ]
    for (const [settings, tokenField, lifetimeSource] of cases) {
      const run = await runAction(checkConnection, { path: '/echo' }, settings)
      expectComplete(run)
      expect(run.dataPoints).toMatchObject({ tokenField, lifetimeSource, apiStatusCode: '200' })
      expect(run.events[0]?.text.en).toContain(`read from "${tokenField}"`)
      expectClean(run)
    }
  })

  it('BCDA: expires_in "3600" as a string works with no setting', async () => {
    const run = await runAction(fetchOAuthToken, {}, servers.settingsFor('bcda', 'bearer'))
    expectComplete(run)
    expect(run.dataPoints.tokenType).toBe('bearer')
    expect(Number(run.dataPoints.expiresIn)).toBeGreaterThanOrEqual(3590)
    expect(Number(run.dataPoints.expiresIn)).toBeLessThanOrEqual(3600)
    expectComplete(await call(servers.settingsFor('bcda', 'bearer')))
    expect(servers.tokenRequests('bcda')).toHaveLength(1)
  })

  it('tokenPath and expiresInPath read a nested answer; expiresAtPath an absolute expiry', async () => {
    for (const endpoint of ['nested', 'absolute'] as const) {
      const settings = servers.settingsFor(endpoint, 'bearer')
      const fetched = await runAction(fetchOAuthToken, {}, settings)
      expectComplete(fetched)
      expect(Number(fetched.dataPoints.expiresIn)).toBeGreaterThanOrEqual(3590)
      expect(Number(fetched.dataPoints.expiresIn)).toBeLessThanOrEqual(3600)
      const called = await call(settings)
      expectComplete(called)
      expect(servers.tokenRequests(endpoint)).toHaveLength(1)
      expectClean(called)
    }
  })

  it('without tokenPath, a nested answer fails naming where the token was looked for', async () => {
    const settings = { ...servers.settingsFor('nested', 'bearer'), tokenPath: '' }
    const run = await call(settings)
    expect(errorOf(run)).toMatchObject({ category: 'SERVER_ERROR', code: 'TOKEN_RESPONSE_INVALID' })
    expect(run.message).toContain('no usable "access_token"')
    expect(servers.apiRequests()).toHaveLength(0)
    expectClean(run)
  })

  it('tokenRequestFormat json: the parameters as one JSON object, which a JSON-only endpoint takes', async () => {
    const settings = servers.settingsFor('json', 'bearer', {
      scope: 'read write',
      extraTokenParams: '{"tenant":"t1"}',
    })
    expectComplete(await call(settings))
    const [request] = servers.tokenRequests('json')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(request?.body ?? '')).toEqual({
      grant_type: 'client_credentials',
      scope: 'read write',
      tenant: 't1',
      client_id: servers.clientId,
      client_secret: servers.clientSecret,
    })
    // The same endpoint refuses a form: the format is part of the token cache's key too.
    const form = await call({ ...settings, tokenRequestFormat: 'form' })
    expect(errorOf(form)).toMatchObject({ category: 'BAD_REQUEST', code: 'TOKEN_REQUEST_REFUSED' })
    expect(servers.tokenRequests('json')).toHaveLength(2)
    expectClean(form)
  })
})

describe('token placement', () => {
  const expectedAuthorization: Partial<Record<DialectApiMode, (token: string) => string>> = {
    freshsales: (token) => `Token token=${token}`,
    stedi: (token) => token,
    healthie: (token) => `Basic ${token}`,
  }

  it.each(['freshsales', 'stedi', 'healthie'] as const)(
    '%s: the API receives exactly the configured Authorization header',
    async (mode) => {
      const run = await call(servers.settingsFor('bcda', mode))
      expectComplete(run)
      const [request] = servers.apiRequests(mode)
      expect(request?.headers['authorization']).toBe(
        expectedAuthorization[mode]?.(servers.issued[0] ?? ''),
      )
      expectClean(run)
    },
  )

  it('a custom header: the token in X-Access-Token, and no Authorization at all', async () => {
    const run = await call(servers.settingsFor('bcda', 'custom'))
    expectComplete(run)
    const [request] = servers.apiRequests('custom')
    expect(request?.headers['x-access-token']).toBe(servers.issued[0])
    expect(request?.headers['authorization']).toBeUndefined()
    expectClean(run)
  })

  it('with another header template, a token_type other than Bearer is accepted', async () => {
    const refused = await call(servers.settingsFor('typed', 'bearer'))
    expect(errorOf(refused)).toMatchObject({ code: 'TOKEN_TYPE_UNSUPPORTED' })
    const run = await call(servers.settingsFor('typed', 'freshsales'))
    expectComplete(run)
    expect(servers.apiRequests('freshsales')).toHaveLength(1)
  })

  it('a query token: on every page, replaced where the API echoed it, scrubbed from every reported URL', async () => {
    const settings = servers.settingsFor('bcda', 'query')
    const paged = await call(settings, { path: '/items', maxPages: 2 })
    expectComplete(paged)
    const token = servers.issued[0] ?? ''
    const requests = servers.apiRequests('query')
    expect(requests.map((request) => request.url)).toEqual([
      `/api/query/items?access_token=${encodeURIComponent(token)}`,
      `/api/query/items?page=2&access_token=${encodeURIComponent(token)}`,
    ])
    for (const request of requests) expect(request.headers['authorization']).toBeUndefined()
    expect(paged.dataPoints.nextPageUrl).toBe(servers.url('/api/query/items?page=3'))
    expect(paged.dataPoints.pageCount).toBe('2')

    const echoed = await call(settings)
    expectComplete(echoed)
    expect(echoed.dataPoints.location).toBe(servers.url('/api/query/echo'))
    expect(echoed.dataPoints.responseBody).toContain('[REDACTED]')
    expectClean(paged)
    expectClean(echoed)
  })

  it('a query token is placed again after a redirect under the base, and never outside it', async () => {
    const settings = servers.settingsFor('bcda', 'query')
    const moved = await call(settings, { path: '/moved' })
    expectComplete(moved)
    expect(moved.dataPoints.statusCode).toBe('200')
    const out = await call(settings, { path: '/out', failOnHttpError: false })
    expect(out.dataPoints.statusCode).toBe('302')
    expect(servers.requests.filter((request) => request.url.startsWith('/outside'))).toEqual([])
    expectClean(moved)
    expectClean(out)
  })
})

describe('apiHeaders: fixed headers beside the token (Dock Health)', () => {
  const fixedValues = (): string[] => Object.values(servers.fixedHeaders.dock)

  it('arrive on every page and on the repeat after a renewal; never at the token endpoint', async () => {
    const settings = servers.settingsFor('nested', 'dock')
    const paged = await call(settings, { path: '/items', maxPages: 3 })
    expectComplete(paged)
    expect(paged.dataPoints.pageCount).toBe('3')
    servers.revokeAll()
    const renewed = await call(settings)
    expectComplete(renewed)
    expect(renewed.events[0]?.text.en).toContain('token renewed after HTTP 401')
    const apiRequests = servers.apiRequests('dock')
    // 3 pages; the refused request and its repeat.
    expect(apiRequests).toHaveLength(5)
    for (const request of apiRequests) {
      for (const [name, value] of Object.entries(servers.fixedHeaders.dock)) {
        expect(request.headers[name]).toBe(value)
      }
    }
    const tokenRequests = servers.tokenRequests()
    expect(tokenRequests).toHaveLength(2)
    for (const request of tokenRequests) {
      for (const value of fixedValues()) expect(JSON.stringify(request)).not.toContain(value)
    }
    // The API echoes them back: scrubbed from every data point, event and log.
    expectClean(paged, fixedValues())
    expectClean(renewed, fixedValues())
    expect(renewed.dataPoints.responseBody).toContain('[REDACTED]')
  })

  it('never go outside the API base URL', async () => {
    const run = await call(servers.settingsFor('nested', 'dock'), {
      path: '/out',
      failOnHttpError: false,
    })
    expect(run.dataPoints.statusCode).toBe('302')
    expect(
      servers.requests.filter(
        (request) =>
          !request.url.startsWith('/api/dock/') && !request.url.startsWith('/nested/token'),
      ),
    ).toEqual([])
    expectClean(run, fixedValues())
  })

  it("a step's own Headers field wins over an entry of the same name (case-insensitive)", async () => {
    const run = await call(servers.settingsFor('nested', 'dock'), {
      headers: '{"X-User-Id":"someone-else"}',
      failOnHttpError: false,
    })
    // The API checks the fixed value, so the step's own value is what it saw.
    expect(run.dataPoints.statusCode).toBe('400')
    expect(servers.apiRequests('dock')[0]?.headers['x-user-id']).toBe('someone-else')
  })
})

describe('invalid dialect settings: MISSING_SETTINGS naming the setting, nothing sent', () => {
  it.each<[string, string]>([
    ['tokenPath', '$.data[0].token'],
    ['expiresInPath', 'data..ttl'],
    ['expiresAtPath', 'a b'],
    ['tokenLifetimeSeconds', '0'],
    ['tokenLifetimeSeconds', 'an hour'],
    ['tokenHeader', 'Authorization: Bearer'],
    ['tokenHeader', 'X Token: {token}'],
    ['tokenHeader', 'X-Token: {token}\r\nX-Evil: 1'],
    ['tokenQueryParameter', 'access token'],
    ['apiHeaders', '{"Host":"evil.example"}'],
    ['apiHeaders', '{"Content-Length":"1"}'],
    ['apiHeaders', '{"Transfer-Encoding":"chunked"}'],
    ['apiHeaders', '{"Authorization":"Basic eDp5"}'],
    ['apiHeaders', 'not json'],
    ['tokenRequestFormat', 'xml'],
  ])('%s = %j', async (key, value) => {
    const run = await call({ ...servers.settingsFor('bcda', 'bearer'), [key]: value })
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
    expect(run.message).toMatch(new RegExp(`^Setting "${key}"`))
    expect(servers.requests).toHaveLength(0)
  })

  it('tokenQueryParameter beside a tokenHeader template', async () => {
    const run = await call({
      ...servers.settingsFor('bcda', 'custom'),
      tokenQueryParameter: 'access_token',
    })
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS' })
    expect(run.message).toMatch(/^Setting "tokenQueryParameter"/)
    expect(servers.requests).toHaveLength(0)
  })

  it('an apiHeaders value is not quoted when refused', async () => {
    const run = await call({
      ...servers.settingsFor('bcda', 'bearer'),
      apiHeaders: '{"x-api-key":"very-secret-key\\r\\n"}',
    })
    expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS' })
    expect(run.emitted).not.toContain('very-secret-key')
  })
})

describe('two connections with different dialects in one process', () => {
  it('work side by side, each with its own token, placement and headers', async () => {
    const salesforceStedi = servers.settingsFor('salesforce', 'stedi', {
      tokenLifetimeSeconds: '600',
    })
    const nestedDock = servers.settingsFor('nested', 'dock')
    const runs = await Promise.all([
      call(salesforceStedi),
      call(nestedDock),
      call(salesforceStedi),
      call(nestedDock),
    ])
    for (const run of runs) expectComplete(run)
    expect(servers.tokenRequests('salesforce')).toHaveLength(1)
    expect(servers.tokenRequests('nested')).toHaveLength(1)
    const [salesforceToken] = servers.issued.filter((token) => token.includes('!'))
    for (const request of servers.apiRequests('stedi')) {
      expect(request.headers['authorization']).toBe(salesforceToken)
      expect(request.headers['x-api-key']).toBeUndefined()
    }
    for (const request of servers.apiRequests('dock')) {
      expect(request.headers['authorization']).toMatch(/^Bearer nested_/)
      expect(request.headers['x-api-key']).toBe(servers.fixedHeaders.dock['x-api-key'])
    }
    for (const run of runs) expectClean(run, Object.values(servers.fixedHeaders.dock))
  })

  it('work side by side as named connections of one installation, picked per step', async () => {
    // The flat settings are a plain Bearer system; two named connections speak two dialects.
    const installation = {
      ...servers.settingsFor('bcda', 'bearer'),
      connections: JSON.stringify({
        sales: servers.settingsFor('salesforce', 'stedi', { tokenLifetimeSeconds: '600' }),
        dock: servers.settingsFor('nested', 'dock'),
      }),
    }
    const runs = await Promise.all([
      call(installation, { connection: 'sales' }),
      call(installation, { connection: 'dock' }),
      call(installation, { connection: 'sales' }),
      call(installation, { connection: 'dock' }),
    ])
    for (const run of runs) expectComplete(run)
    expect(servers.tokenRequests('salesforce')).toHaveLength(1)
    expect(servers.tokenRequests('nested')).toHaveLength(1)
    const [salesforceToken] = servers.issued.filter((token) => token.includes('!'))
    expect(servers.apiRequests('stedi')).toHaveLength(2)
    for (const request of servers.apiRequests('stedi')) {
      expect(request.headers['authorization']).toBe(salesforceToken)
      expect(request.headers['x-api-key']).toBeUndefined()
    }
    expect(servers.apiRequests('dock')).toHaveLength(2)
    for (const request of servers.apiRequests('dock')) {
      expect(request.headers['authorization']).toMatch(/^Bearer nested_/)
      expect(request.headers['x-api-key']).toBe(servers.fixedHeaders.dock['x-api-key'])
    }
    for (const run of runs) expectClean(run, Object.values(servers.fixedHeaders.dock))
  })
})
