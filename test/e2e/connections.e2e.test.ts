/**
 * End to end, named connections: one installation, two systems — each its own authorization
 * server (oidc-provider), client and jose-protected API with its own audience. The flat settings
 * are the connection "default"; the `connections` setting holds "lab" (and, where a test needs
 * them, more entries). Each step's token goes to its own API only.
 */
import { runRoundTrip } from '../../demo/roundTrip'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { errorOf, runAction } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import {
  SECOND_API_AUDIENCE,
  startLocalServers,
  type LocalServers,
} from '../../servers/startLocalServers'
import { parseJson, runCliForTest } from '../cli/runCliForTest'

const { fetchOAuthToken, authenticatedApiCall, checkConnection } = extensions[0].actions

let main: LocalServers
let lab: LocalServers

beforeAll(async () => {
  ;[main, lab] = await Promise.all([
    startLocalServers(),
    startLocalServers({ audience: SECOND_API_AUDIENCE }),
  ])
})
afterAll(async () => {
  await Promise.all([main?.stop(), lab?.stop()])
})
beforeEach(() => clearCaches())

/** The flat settings for the main system, and "lab" (plus `more` entries) in `connections`. */
const settingsWith = (
  more: Record<string, unknown> = {},
  extra: Record<string, string> = {},
): Record<string, string> => ({
  ...main.settingsFor('basic'),
  ...extra,
  connections: JSON.stringify({ lab: { ...lab.settingsFor('basic'), ...extra }, ...more }),
})

const secrets = (): string[] => [main.clients.basic.clientSecret, lab.clients.basic.clientSecret]

const counts = async (): Promise<number[]> => {
  const [a, b] = await Promise.all([main.stats(), lab.stats()])
  return [a.tokenRequests, a.apiRequests, b.tokenRequests, b.apiRequests]
}

const expectNoSecretIn = (text: string): void => {
  for (const secret of secrets()) expect(text).not.toContain(secret)
}

describe('two systems in one installation', () => {
  it('sends each step to its own API with a token from its own authorization server', async () => {
    const settings = settingsWith()
    const before = await counts()
    const first = await runAction(authenticatedApiCall, { path: '/Patient/example' }, settings)
    const second = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example', connection: 'lab' },
      settings,
    )
    expect([first.dataPoints.statusCode, second.dataPoints.statusCode]).toEqual(['200', '200'])
    // One token request and one API request at each system: each server saw only its own client.
    const after = await counts()
    expect(after.map((count, i) => count - before[i])).toEqual([1, 1, 1, 1])
    expectNoSecretIn(first.emitted + second.emitted)
  })

  it('treats an empty connection and "default" as the flat settings, exactly as before', async () => {
    const settings = settingsWith()
    const run = await runAction(fetchOAuthToken, { connection: 'default' }, settings)
    const again = await runAction(fetchOAuthToken, { connection: '' }, settings)
    expect(again.dataPoints.accessToken).toBe(run.dataPoints.accessToken)
    expect(again.events[0].text.en).toMatch(/^Reused a cached OAuth token/)
  })

  it('checks a named connection from the preview (Check OAuth connection takes connection)', async () => {
    const run = await runAction(
      checkConnection,
      { connection: 'lab', path: '/Patient/example' },
      settingsWith(),
    )
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.tokenEndpoint).toBe(lab.tokenUrl)
    expect(run.dataPoints.apiStatusCode).toBe('200')
    expect(JSON.parse(String(run.dataPoints.tokenClaims))).toMatchObject({
      aud: SECOND_API_AUDIENCE,
    })
  })
})

describe('the demo care flow', () => {
  it('runs one care flow against two systems, each token to its own API', async () => {
    const before = await counts()
    const trip = await runRoundTrip(extensions, settingsWith(), 'example', {
      otherConnection: 'lab',
    })
    expect(trip.failedStep).toBeUndefined()
    const labStep = trip.steps.find((step) => step.request === 'GET /Patient/example (lab)')
    expect(labStep?.result.data_points.statusCode).toBe('200')
    const after = await counts()
    // The lab system: its own token request and the one API request of its step.
    expect([after[2] - before[2], after[3] - before[3]]).toEqual([1, 1])
  })
})

describe('errors name the place, send nothing and quote no secret', () => {
  it('an unknown connection: WRONG_INPUT naming the field and listing the names', async () => {
    const before = await counts()
    const run = await runAction(
      authenticatedApiCall,
      { path: '/Patient/example', connection: 'billing' },
      settingsWith(),
    )
    expect(errorOf(run)).toEqual({
      category: 'WRONG_INPUT',
      code: 'INVALID_FIELD',
      message: 'Field "connection": there is no connection "billing" (known: "default", "lab")',
    })
    expect(await counts()).toEqual(before)
  })

  it('a name outside the rules is refused as the field', async () => {
    const run = await runAction(fetchOAuthToken, { connection: 'lab/../x' }, settingsWith())
    expect(errorOf(run).message).toBe(
      'Field "connection": must be 1 to 40 characters of A-Z a-z 0-9 _ - .',
    )
  })

  it('connections that are not a JSON object of objects: MISSING_SETTINGS, none of its text', async () => {
    const secretText = `{"lab": {"clientSecret": "${lab.clients.basic.clientSecret}"`
    for (const connections of [secretText, '[1]', '{"lab": "x"}', '{"default": {}}']) {
      const settings = { ...main.settingsFor('basic'), connections }
      const before = await counts()
      const run = await runAction(fetchOAuthToken, { connection: 'lab' }, settings)
      expect(errorOf(run)).toMatchObject({ category: 'MISSING_SETTINGS', code: 'INVALID_SETTING' })
      expect(run.message).toMatch(/^Setting "connections": /)
      expect(run.emitted).not.toContain(connections)
      expectNoSecretIn(run.emitted)
      expect(await counts()).toEqual(before)
      // Steps on the flat settings do not read it.
      expect((await runAction(fetchOAuthToken, {}, settings)).outcome).toBe('complete')
    }
  })

  it('a bad value inside a connection names connections.<name>.<key> with the flat rule text', async () => {
    const settings = settingsWith({
      broken: { ...lab.settingsFor('basic'), apiBaseUrl: 'http://example.com/api' },
    })
    const before = await counts()
    const run = await runAction(fetchOAuthToken, { connection: 'broken' }, settings)
    expect(errorOf(run)).toEqual({
      category: 'MISSING_SETTINGS',
      code: 'INVALID_SETTING',
      message:
        'Setting "connections.broken.apiBaseUrl": must use https (http is allowed only on localhost)',
    })
    expect(await counts()).toEqual(before)
    // The same rule on the flat setting says the same.
    const flat = await runAction(
      fetchOAuthToken,
      {},
      {
        ...settings,
        apiBaseUrl: 'http://example.com/api',
      },
    )
    expect(flat.message).toBe(
      'Setting "apiBaseUrl": must use https (http is allowed only on localhost)',
    )
    // The broken entry does not stop the others.
    const other = await runAction(fetchOAuthToken, { connection: 'lab' }, settings)
    expect(other.outcome).toBe('complete')
  })

  it('reads numbers and booleans in an entry as their text, with the same defaults', async () => {
    const settings = settingsWith({
      numeric: { ...lab.settingsFor('basic'), timeoutSeconds: 5, maxRequestsPerMinute: 600 },
      wrong: { ...lab.settingsFor('basic'), timeoutSeconds: 'soon' },
    })
    expect((await runAction(fetchOAuthToken, { connection: 'numeric' }, settings)).outcome).toBe(
      'complete',
    )
    const wrong = await runAction(fetchOAuthToken, { connection: 'wrong' }, settings)
    expect(wrong.message).toBe('Setting "connections.wrong.timeoutSeconds": must be a number')
  })
})

describe('isolation between connections', () => {
  it('does not send a raw token obtained for another connection; the step gets its own', async () => {
    const settings = settingsWith()
    const token = await runAction(fetchOAuthToken, {}, settings)
    const before = await counts()
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: token.dataPoints.accessToken, path: '/Patient/example', connection: 'lab' },
      settings,
    )
    // The lab API accepts only lab tokens: a 200 means the main token was not what it got.
    expect(run.dataPoints.statusCode).toBe('200')
    expect(run.events[0].text.en).toContain(
      'the token in the accessToken field was obtained for another connection, so it was not sent; a token was obtained for this one: new token fetched',
    )
    expect(run.dataPoints.accessToken).not.toBe(token.dataPoints.accessToken)
    const after = await counts()
    expect(after.map((count, i) => count - before[i])).toEqual([0, 0, 1, 1])
  })

  it('never resolves a reference made under one connection under another', async () => {
    const settings = settingsWith({}, { tokenDataPoints: 'reference' })
    const made = await runAction(fetchOAuthToken, {}, settings)
    expect(made.dataPoints.accessToken).toMatch(/^oauthapi-ref:/)
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: made.dataPoints.accessToken, path: '/Patient/example', connection: 'lab' },
      settings,
    )
    expect(run.dataPoints.statusCode).toBe('200')
    expect(run.events[0].text.en).toContain('the token reference is not known here')
    // Under its own connection it resolves.
    const own = await runAction(
      authenticatedApiCall,
      { accessToken: made.dataPoints.accessToken, path: '/Patient/example' },
      settings,
    )
    expect(own.events[0].text.en).toContain('token from the reference in the accessToken field')
  })

  it("a renewal on one connection leaves the other's cached token alone", async () => {
    const settings = settingsWith()
    await runAction(fetchOAuthToken, {}, settings)
    const labToken = await runAction(fetchOAuthToken, { connection: 'lab' }, settings)
    const before = await counts()
    // The main API's 404 taken as "renew the token": a renewal on the default connection.
    const renewed = await runAction(
      authenticatedApiCall,
      {
        path: '/Patient/no-such-patient',
        renewOnStatus: '404',
        failOnHttpError: false,
      },
      settings,
    )
    expect(renewed.events[0].text.en).toContain('token renewed after HTTP 404')
    const labAgain = await runAction(fetchOAuthToken, { connection: 'lab' }, settings)
    expect(labAgain.dataPoints.accessToken).toBe(labToken.dataPoints.accessToken)
    expect(labAgain.events[0].text.en).toMatch(/^Reused a cached OAuth token/)
    const after = await counts()
    expect(after[0] - before[0]).toBe(1)
    expect(after[2] - before[2]).toBe(0)
  })

  it("gives each connection its own rate limit (maxRequestsPerMinute is that connection's)", async () => {
    const settings = settingsWith({}, { maxRequestsPerMinute: '1', timeoutSeconds: '1' })
    const call = (connection: string) =>
      runAction(authenticatedApiCall, { path: '/Patient/example', connection }, settings)
    expect((await call('default')).dataPoints.statusCode).toBe('200')
    // The lab's budget is its own: its first request goes at once.
    expect((await call('lab')).dataPoints.statusCode).toBe('200')
    const limited = await call('lab')
    expect(errorOf(limited)).toMatchObject({ category: 'SERVER_ERROR', code: 'RATE_LIMITED' })
    expect(limited.message).toMatch(
      /^Setting "connections\.lab\.maxRequestsPerMinute": the limit of 1 requests per minute left no turn/,
    )
  })
})

describe('the CLI', () => {
  const cli = (argv: string[], env: Record<string, string> = {}) =>
    runCliForTest(argv, { registry: extensions, env })

  it('connections lists each connection, never a secret, and validates them all', async () => {
    const settings = settingsWith()
    const { code, stdout } = await cli([
      'connections',
      '--json',
      '--settings',
      JSON.stringify(settings),
    ])
    expect(code).toBe(0)
    expect(parseJson(stdout)).toEqual({
      connections: [
        {
          name: 'default',
          tokenEndpoint: main.tokenUrl,
          clientId: main.clients.basic.clientId,
          clientAuthMethod: 'client_secret_basic',
          apiBaseUrl: main.apiBaseUrl,
        },
        {
          name: 'lab',
          tokenEndpoint: lab.tokenUrl,
          clientId: lab.clients.basic.clientId,
          clientAuthMethod: 'client_secret_basic',
          apiBaseUrl: lab.apiBaseUrl,
        },
      ],
    })
    expectNoSecretIn(stdout)
  })

  it('connections exits 1 naming the problems (from OAUTHAPI_CONNECTIONS)', async () => {
    const { connections, ...flat } = settingsWith({
      broken: {
        clientId: 'x',
        clientSecret: 'hidden-secret-1',
        apiBaseUrl: 'https://api.example.com',
      },
    })
    const env = Object.fromEntries(
      Object.entries({ ...flat, connections }).map(([key, value]) => [
        `OAUTHAPI_${key.toUpperCase()}`,
        value,
      ]),
    )
    const { code, stdout, stderr } = await cli(['connections'], env)
    expect(code).toBe(1)
    expect(stdout).toContain('broken: INVALID')
    expect(stdout).toContain(
      'problem: Setting "connections.broken.tokenUrl": is required (or set "issuerUrl" to discover it)',
    )
    expect(stdout).toContain('lab: valid')
    expect(stdout + stderr).not.toContain('hidden-secret-1')
    expectNoSecretIn(stdout + stderr)
  })

  it('run --connection NAME runs the step on that connection', async () => {
    const { code, stdout, stderr } = await cli([
      'run',
      'oauthApi/authenticatedApiCall',
      '--connection',
      'lab',
      '--fields',
      '{"path": "/Patient/example"}',
      '--settings',
      JSON.stringify(settingsWith()),
      '--json',
    ])
    expect(code).toBe(0)
    expect(parseJson<{ data_points: Record<string, string> }>(stdout).data_points.statusCode).toBe(
      '200',
    )
    expectNoSecretIn(stdout + stderr)
    expect((await lab.stats()).apiRequests).toBeGreaterThan(0)
  })
})

describe('after everything above', () => {
  it("each authorization server authenticated only its own client: never the other's credentials", async () => {
    const [a, b] = await Promise.all([main.stats(), lab.stats()])
    for (const stats of [a, b]) {
      expect(stats.grants.length).toBeGreaterThan(3)
      expect(
        stats.grants.filter((grant) => grant.error !== null || grant.clientId === null),
      ).toEqual([])
    }
  })

  it('(the check above would see it: the lab server records main credentials as a failed authentication)', async () => {
    const { clientId, clientSecret } = main.clients.basic
    const response = await fetch(lab.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    })
    expect(response.status).toBe(401)
    const { grants } = await lab.stats()
    expect(grants[grants.length - 1]).toEqual({ clientId, error: 'invalid_client' })
  })
})
