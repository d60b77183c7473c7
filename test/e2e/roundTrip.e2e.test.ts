/**
 * End to end: both actions, through the registry, against the real authorization server
 * (oidc-provider, in a child process) and the sample FHIR API that verifies JWTs with jose.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import { errorOf, runAction } from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { runRoundTrip } from '../../demo/roundTrip'
import { startLocalServers, type LocalServers } from '../../servers/startLocalServers'

const { fetchOAuthToken, authenticatedApiCall } = extensions[0].actions

let servers: LocalServers
beforeAll(async () => {
  servers = await startLocalServers()
})
afterAll(async () => {
  await servers?.stop()
})
beforeEach(() => clearCaches())

const tokenRequestsDuring = async (work: () => Promise<void>): Promise<number> => {
  const before = (await servers.stats()).tokenRequests
  await work()
  return (await servers.stats()).tokenRequests - before
}

describe.each(['basic', 'post'] as const)(
  'client authenticated with client_secret_%s',
  (client) => {
    it('fetches a token that the API accepts (two-step flow)', async () => {
      const settings = servers.settingsFor(client)
      const token = await runAction(fetchOAuthToken, {}, settings)
      expect(token.outcome).toBe('complete')
      expect(token.dataPoints).toMatchObject({
        tokenType: 'Bearer',
        scope: 'patient.read patient.write',
      })
      // 120 s, less the time the request took when the machine is busy.
      expect(Number(token.dataPoints.expiresIn)).toBeGreaterThanOrEqual(118)
      expect(Number(token.dataPoints.expiresIn)).toBeLessThanOrEqual(120)

      const read = await runAction(
        authenticatedApiCall,
        { accessToken: token.dataPoints.accessToken, path: '/Patient/example' },
        settings,
      )
      expect(read.outcome).toBe('complete')
      expect(read.dataPoints.statusCode).toBe('200')
      expect(JSON.parse(read.dataPoints.responseBody as string)).toMatchObject({
        resourceType: 'Patient',
        id: 'example',
      })

      const write = await runAction(
        authenticatedApiCall,
        {
          accessToken: token.dataPoints.accessToken,
          method: 'POST',
          path: '/Observation',
          body: '{"resourceType":"Observation","status":"final"}',
        },
        settings,
      )
      expect(write.dataPoints.statusCode).toBe('201')
      for (const run of [token, read, write]) {
        expect(run.emitted).not.toContain(settings.clientSecret)
        expect(run.emitted).not.toContain(token.dataPoints.accessToken)
      }
    })
  },
)

describe('errors from the real servers', () => {
  it('a wrong secret ends in BAD_REQUEST quoting invalid_client', async () => {
    const settings = { ...servers.settingsFor('basic'), clientSecret: 'wrong secret' }
    const run = await runAction(fetchOAuthToken, {}, settings)
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toMatch(
      /^The token endpoint refused the request \(HTTP 401\): error "invalid_client"/,
    )
  })

  it('a scope the client may not have ends in BAD_REQUEST quoting invalid_scope', async () => {
    const run = await runAction(
      fetchOAuthToken,
      { scope: 'patient.write' },
      servers.settingsFor('readOnly'),
    )
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toContain('error "invalid_scope"')
  })

  it('a token without the write scope gets 403 insufficient_scope from the API', async () => {
    const run = await runAction(
      authenticatedApiCall,
      { method: 'POST', path: '/Observation', body: { resourceType: 'Observation' } },
      servers.settingsFor('readOnly'),
    )
    expect(errorOf(run).category).toBe('BAD_REQUEST')
    expect(errorOf(run).message).toContain('HTTP 403')
    expect(errorOf(run).message).toContain('error="insufficient_scope"')
  })

  it('a token the API refuses is renewed once; without renewal the RFC 6750 error is reported', async () => {
    const settings = servers.settingsFor('basic')
    const run = await runAction(
      authenticatedApiCall,
      { accessToken: 'not-a-valid-jwt', path: '/Patient/example' },
      settings,
    )
    // The refused token is renewed once; a refusal that survives renewal is reported.
    expect(run.outcome).toBe('complete')
    expect(run.dataPoints.tokenRefreshed).toBe('true')

    const noRenewal = await runAction(
      authenticatedApiCall,
      { accessToken: 'not-a-valid-jwt', path: '/Patient/example', renewOnStatus: '400' },
      settings,
    )
    expect(errorOf(noRenewal).category).toBe('BAD_REQUEST')
    expect(errorOf(noRenewal).message).toContain('HTTP 401')
    expect(errorOf(noRenewal).message).toContain('error="invalid_token"')
  })
})

describe('token lifecycle against the real servers', () => {
  it('1,000 fetchOAuthToken runs send one token request; forceRefresh sends another', async () => {
    const settings = servers.settingsFor('basic')
    const sent = await tokenRequestsDuring(async () => {
      for (let run = 0; run < 1000; run++) await runAction(fetchOAuthToken, {}, settings)
    })
    expect(sent).toBe(1)
    const forced = await tokenRequestsDuring(async () => {
      await runAction(fetchOAuthToken, { forceRefresh: true }, settings)
    })
    expect(forced).toBe(1)
  })

  it('200 concurrent runs on a cold cache send one token request', async () => {
    const settings = servers.settingsFor('post')
    const sent = await tokenRequestsDuring(async () => {
      const runs = await Promise.all(
        Array.from({ length: 200 }, () => runAction(fetchOAuthToken, {}, settings)),
      )
      expect(runs.every((run) => run.outcome === 'complete')).toBe(true)
    })
    expect(sent).toBe(1)
  })

  it.each(['privateKeyJwtRs384', 'privateKeyJwtEs384'] as const)(
    'private_key_jwt (%s): the API accepts the token, and no two assertions share a jti',
    async (client) => {
      const settings = servers.settingsFor(client)
      // Settings are single-line in Studio: the PEM arrives with literal \n.
      const studioSettings = { ...settings, privateKey: settings.privateKey.replace(/\n/g, '\\n') }
      for (let run = 0; run < 3; run++) {
        const token = await runAction(fetchOAuthToken, { forceRefresh: true }, studioSettings)
        expect(token.outcome).toBe('complete')
        expect(token.emitted).not.toContain(settings.privateKey.split('\n')[1])
      }
      const call = await runAction(
        authenticatedApiCall,
        { path: '/Patient/example' },
        studioSettings,
      )
      expect(call.dataPoints.statusCode).toBe('200')
      const { assertionJtis } = await servers.stats()
      expect(assertionJtis.length).toBeGreaterThanOrEqual(3)
      expect(new Set(assertionJtis).size).toBe(assertionJtis.length)
    },
  )
})

describe('an expired token', () => {
  let shortLived: LocalServers
  beforeAll(async () => {
    shortLived = await startLocalServers({ accessTokenTtlSeconds: 2 })
  })
  afterAll(async () => {
    await shortLived?.stop()
  })

  it('is replaced before the call with exactly one token request (tokenRefreshed true)', async () => {
    const settings = shortLived.settingsFor('basic')
    const token = await runAction(fetchOAuthToken, {}, settings)
    await sleep(2500)
    const before = (await shortLived.stats()).tokenRequests
    const call = await runAction(
      authenticatedApiCall,
      {
        accessToken: token.dataPoints.accessToken,
        tokenExpiresAt: token.dataPoints.expiresAt,
        path: '/Patient/example',
      },
      settings,
    )
    expect(call.outcome).toBe('complete')
    expect(call.dataPoints.tokenRefreshed).toBe('true')
    expect(call.dataPoints.accessToken).not.toBe(token.dataPoints.accessToken)
    expect((await shortLived.stats()).tokenRequests - before).toBe(1)
  })
})

describe('a token the API finds expired (its clock runs ahead of the authorization server)', () => {
  let skewed: LocalServers
  beforeAll(async () => {
    skewed = await startLocalServers({ apiClockSkewSeconds: 600 })
  })
  afterAll(async () => {
    await skewed?.stop()
  })

  it('is renewed once, then reaches the care flow as an error carrying the RFC 6750 error', async () => {
    const settings = skewed.settingsFor('basic')
    const token = await runAction(fetchOAuthToken, {}, settings)
    const before = await skewed.stats()
    const call = await runAction(
      authenticatedApiCall,
      { accessToken: token.dataPoints.accessToken, path: '/Patient/example' },
      settings,
    )
    const after = await skewed.stats()
    const { category, message } = errorOf(call)
    expect(category).toBe('BAD_REQUEST')
    expect(message).toContain('HTTP 401')
    expect(message).toContain('error="invalid_token"')
    expect(message).toMatch(/expired/i)
    expect(message).toContain('the token was renewed after HTTP 401 and the retry was refused too')
    expect(after.tokenRequests - before.tokenRequests).toBe(1)
    expect(after.apiRequests - before.apiRequests).toBe(2)
    expect(call.emitted).not.toContain(token.dataPoints.accessToken)
  })
})

describe('the round trip of npm run demo', () => {
  it('completes GET 200, POST 201, a GraphQL query and a mutation, a paged search and a form write, with derived data points read by JSONPath, and checks the connection', async () => {
    const trip = await runRoundTrip(extensions, servers.settingsFor('basic'), 'example')
    expect(trip.failedStep).toBeUndefined()
    expect(trip.steps.map((step) => [step.request, step.result.status])).toEqual([
      ['token request', 'complete'],
      ['GET /Patient/example', 'complete'],
      ['POST /Observation', 'complete'],
      ['GraphQL query GetPatient', 'complete'],
      ['GraphQL mutation CreatePatient', 'complete'],
      ['GET /Observation?patient=example (up to 5 pages)', 'complete'],
      ['PUT /appointments/1001 (form)', 'complete'],
      ['connection check, GET /metadata', 'complete'],
    ])
    expect(trip.steps.slice(1, -1).map((step) => step.result.data_points.statusCode)).toEqual([
      '200',
      '201',
      '200',
      '200',
      '200',
      '200',
    ])
    expect(trip.steps[2].result.data_points.location).toMatch(
      /\/Observation\/[0-9a-f-]{36}\/_history\/1$/,
    )
    expect(trip.steps[5].result.data_points).toMatchObject({ pageCount: '3' })
    expect(Object.keys(trip.steps[5].result.data_points)).not.toContain('nextPageUrl')
    expect(trip.steps[7].result.data_points).toMatchObject({
      tokenFormat: 'jwt',
      grantedScope: 'patient.read patient.write',
      apiStatusCode: '200',
    })
    expect(trip.derived.map((derived) => [derived.dataPoint, derived.path, derived.value])).toEqual(
      [
        ['responseBody', '$.name[0].family', 'Chalmers'],
        ['responseBody', '$.birthDate', '1974-12-25'],
        ['responseBody', '$.id', expect.any(String)],
        ['data', '$.patient.first_name', 'Peter'],
        ['data', '$.createPatient.patient.id', expect.any(String)],
        ['responseBody', '$.total', 7],
        ['responseBody', '$.entry[*].resource.valueQuantity.value', [60, 61, 62, 63, 64, 65, 66]],
        ['responseBody', '$[0].appointmentstatus', 'f'],
      ],
    )
  })

  it('names the step that failed', async () => {
    const trip = await runRoundTrip(
      extensions,
      { ...servers.settingsFor('basic'), clientSecret: 'wrong' },
      'example',
    )
    expect(trip.failedStep?.title).toBe('Fetch OAuth token')
    expect(trip.steps).toHaveLength(1)
  })
})
