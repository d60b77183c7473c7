/**
 * End to end: the request and response shapes of Authenticated API call — paging, body formats,
 * Location, OperationOutcome, binary bodies, the rate limit — against the real authorization
 * server (oidc-provider, in a child process) and the sample FHIR API that verifies JWTs with jose.
 */
import { extensions } from '../../extensions'
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  errorOf,
  runAction,
  type ActionRun,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { SAMPLE_PDF } from '../../servers/protectedApi'
import { startLocalServers, type LocalServers } from '../../servers/startLocalServers'

const { authenticatedApiCall } = extensions[0].actions

let servers: LocalServers
let settings: Record<string, string>
beforeAll(async () => {
  servers = await startLocalServers()
  settings = servers.settingsFor('basic')
})
afterAll(async () => {
  await servers?.stop()
})
beforeEach(() => clearCaches())

/** One-step mode: the step gets its token from oidc-provider itself. */
const call = (
  fields: Record<string, unknown>,
  overrides: Record<string, string> = {},
): Promise<ActionRun> => runAction(authenticatedApiCall, fields, { ...settings, ...overrides })

const bodyOf = (run: ActionRun): unknown => JSON.parse(run.dataPoints.responseBody as string)

describe('paging a FHIR search (three pages of a searchset Bundle)', () => {
  const search = (maxPages: number): Promise<ActionRun> =>
    call({ path: '/Observation', query: { patient: 'example' }, maxPages, bodyFormat: 'fhir+json' })

  it('maxPages 5: one Bundle with every entry, pageCount 3', async () => {
    const run = await search(5)
    expect(run.outcome).toBe('complete')
    const bundle = bodyOf(run) as {
      type: string
      total: number
      entry: Array<{ resource: { id: string } }>
    }
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 7 })
    expect(bundle.entry.map((entry) => entry.resource.id)).toEqual([
      'hr-1',
      'hr-2',
      'hr-3',
      'hr-4',
      'hr-5',
      'hr-6',
      'hr-7',
    ])
    expect(run.dataPoints).toMatchObject({ pageCount: '3' })
    expect(Object.keys(run.dataPoints)).not.toContain('nextPageUrl')
  })

  it('maxPages 2: two pages of entries, pageCount 2, nextPageUrl to go on from', async () => {
    const run = await search(2)
    const bundle = bodyOf(run) as { entry: unknown[] }
    expect(bundle.entry).toHaveLength(6)
    expect(run.dataPoints.pageCount).toBe('2')
    expect(run.dataPoints.nextPageUrl).toBe(
      `${servers.apiBaseUrl}/Observation?patient=example&_page=3`,
    )

    // A later step goes on with nextPageUrl as its path.
    const rest = await call({ path: run.dataPoints.nextPageUrl, maxPages: 5 })
    expect(
      (bodyOf(rest) as { entry: Array<{ resource: { id: string } }> }).entry.map(
        (e) => e.resource.id,
      ),
    ).toEqual(['hr-7'])
    expect(rest.dataPoints).toMatchObject({ pageCount: '1' })
    expect(Object.keys(rest.dataPoints)).not.toContain('nextPageUrl')
  })

  it('pages an API that links its pages in RFC 8288 Link headers the same way', async () => {
    const run = await call({ path: '/appointments/slots', maxPages: 5 })
    const slots = bodyOf(run) as Array<{ appointmentid: string }>
    expect(slots.map((slot) => slot.appointmentid)).toEqual([
      '1000',
      '1001',
      '1002',
      '1003',
      '1004',
      '1005',
    ])
    expect(run.dataPoints.pageCount).toBe('3')
  })
})

describe('body formats the sample API takes', () => {
  it('form: an athenahealth-style PUT with a form body', async () => {
    const run = await call({
      method: 'PUT',
      path: '/appointments/1001',
      bodyFormat: 'form',
      body: { patientid: '8812', appointmenttypeid: 82, reason: ['checkup', 'flu shot'] },
    })
    expect(run.outcome).toBe('complete')
    expect(bodyOf(run)).toEqual([
      {
        appointmentid: '1001',
        patientid: '8812',
        appointmenttypeid: '82',
        appointmentstatus: 'f',
        reasons: ['checkup', 'flu shot'],
      },
    ])
  })

  it('form: the same write as JSON is refused by the API (415)', async () => {
    const run = await call({
      method: 'PUT',
      path: '/appointments/1001',
      body: { patientid: '8812', appointmenttypeid: 82 },
    })
    expect(errorOf(run)).toMatchObject({ category: 'BAD_REQUEST', code: 'API_CLIENT_ERROR' })
    expect(errorOf(run).message).toContain('HTTP 415')
  })

  it('multipart: the fields reach a real multipart parser', async () => {
    const run = await call({
      method: 'POST',
      path: '/documents',
      bodyFormat: 'multipart',
      body: { documentsubclass: 'CLINICALDOCUMENT', note: 'Referral letter\nsigned', pages: 2 },
    })
    expect(run.dataPoints.statusCode).toBe('201')
    expect(bodyOf(run)).toMatchObject({
      fields: {
        documentsubclass: 'CLINICALDOCUMENT',
        note: 'Referral letter\r\nsigned',
        pages: '2',
      },
    })
    expect(run.dataPoints.location).toMatch(
      new RegExp(`^${servers.apiBaseUrl}/documents/[0-9a-f-]{36}$`),
    )
  })

  it('text: an HL7 v2 message, answered with an ACK in text', async () => {
    const run = await call({
      method: 'POST',
      path: '/hl7v2',
      bodyFormat: 'text',
      bodyText: 'MSH|^~\\&|AWELL|CLINIC|||20240201||ADT^A08|MSG00042|P|2.5\rPID|1||8812',
    })
    expect(run.outcome).toBe('complete')
    expect(bodyOf(run)).toMatch(/\rMSA\|AA\|MSG00042$/)
  })

  it('fhir+json: a create answers 201 with Location, which fills location', async () => {
    const run = await call({
      method: 'POST',
      path: '/Observation',
      bodyFormat: 'fhir+json',
      body: { resourceType: 'Observation', status: 'final' },
    })
    const { id } = bodyOf(run) as { id: string }
    expect(run.dataPoints).toMatchObject({
      statusCode: '201',
      location: `${servers.apiBaseUrl}/Observation/${id}/_history/1`,
    })
  })
})

describe('responses', () => {
  it('an OperationOutcome error: the event quotes the diagnostics, not the narrative', async () => {
    const run = await call({
      method: 'POST',
      path: '/Observation',
      body: { resourceType: 'Observation' },
    })
    expect(errorOf(run)).toEqual({
      category: 'BAD_REQUEST',
      code: 'API_CLIENT_ERROR',
      message:
        'The API answered HTTP 422 to POST /fhir/Observation. Body: OperationOutcome: error required: Observation.status: minimum required = 1, but only found 0 (from http://hl7.org/fhir/StructureDefinition/Observation)',
    })
  })

  it('a PDF arrives as base64, unchanged', async () => {
    const run = await call({ path: '/Binary/example-pdf', headers: { Accept: 'application/pdf' } })
    const body = bodyOf(run) as { contentType: string; base64: string }
    expect(body.contentType).toBe('application/pdf')
    expect(Buffer.from(body.base64, 'base64')).toEqual(SAMPLE_PDF)
  })
})

describe('the rate limit against the real API', () => {
  it('spaces the API requests of concurrent runs; the token request takes no turn', async () => {
    const before = await servers.stats()
    const started = Date.now()
    const runs = await Promise.all(
      Array.from({ length: 3 }, () =>
        call({ path: '/Patient/example' }, { maxRequestsPerMinute: '120' }),
      ),
    )
    const elapsed = Date.now() - started
    expect(runs.map((run) => run.outcome)).toEqual(['complete', 'complete', 'complete'])
    // 120 a minute: a turn every 500 ms, so the third request goes about 1 s after the first.
    expect(elapsed).toBeGreaterThanOrEqual(950)
    const after = await servers.stats()
    expect(after.apiRequests - before.apiRequests).toBe(3)
    expect(after.tokenRequests - before.tokenRequests).toBe(1)
  })
})
