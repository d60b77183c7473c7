/**
 * Server-side request forgery: a tenant's URL (token URL, issuer URL, API base URL, a discovered
 * token endpoint) must not reach the extension server's own network. Without
 * OAUTHAPI_ALLOWED_NETWORKS every loopback, private, link-local, unspecified and metadata address
 * is refused in every spelling, at the literal and on every address a name resolves to, and
 * nothing is sent; with it, the listed ranges work.
 */
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectOutcome,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { ALLOWED_NETWORKS_ENV, LOOPBACK_NETWORKS } from '../../servers/allowLoopback'
import { routes, sendJson, tokenIssuer, type LoopbackServer } from '../../servers/loopbackServer'
import {
  API_PATH,
  RUN_BOUND_MS,
  settingsFor,
  TOKEN_PATH,
  useFaultServer,
} from '../support/faultFixtures'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

let server: LoopbackServer
let port: string

useFaultServer((started) => {
  server = started
  port = new URL(started.origin).port
})

const setAllowlist = (value: string | undefined): void => {
  if (value === undefined) delete process.env[ALLOWED_NETWORKS_ENV]
  else process.env[ALLOWED_NETWORKS_ENV] = value
}

beforeEach(() => {
  server.respondWith(
    routes([
      [TOKEN_PATH, tokenIssuer()],
      [API_PATH, (_recorded, response) => sendJson(response, 200, { internal: 'secret data' })],
    ]),
  )
})
afterEach(() => setAllowlist(LOOPBACK_NETWORKS))

/** The loopback server's own address in other spellings, and the refused ranges' addresses. */
const SPELLINGS: ReadonlyArray<[host: string, scheme: 'http' | 'https']> = [
  ['127.0.0.1', 'http'],
  ['127.1', 'http'],
  ['0x7f000001', 'http'],
  ['2130706433', 'http'],
  ['0177.0.0.1', 'http'],
  ['127.0.0.2', 'http'],
  ['localhost', 'http'],
  ['[::ffff:127.0.0.1]', 'https'],
  ['[::ffff:7f00:1]', 'https'],
  ['[::127.0.0.1]', 'https'],
  ['[64:ff9b::127.0.0.1]', 'https'],
  ['[::1]', 'http'],
  ['0.0.0.0', 'https'],
  ['0', 'https'],
  ['[::]', 'https'],
  ['169.254.169.254', 'https'],
  ['[::ffff:169.254.169.254]', 'https'],
  ['metadata.google.internal', 'https'],
  ['metadata.google.internal.', 'https'],
  ['[fd00:ec2::254]', 'https'],
  ['100.100.100.200', 'https'],
  ['10.0.0.1', 'https'],
  ['172.16.5.4', 'https'],
  ['192.168.1.1', 'https'],
  ['100.64.0.1', 'https'],
  ['[fc00::1]', 'https'],
  ['[fe80::1]', 'https'],
  ['224.0.0.1', 'https'],
  ['255.255.255.255', 'https'],
  ['192.0.2.1', 'https'],
]

describe('network policy without OAUTHAPI_ALLOWED_NETWORKS', () => {
  beforeEach(() => setAllowlist(undefined))

  it.each(SPELLINGS)('a token URL at %s is refused, nothing sent', async (host, scheme) => {
    const tokenUrl = `${scheme}://${host}:${port}${TOKEN_PATH}`
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server, { tokenUrl }))
    expectError(run, 'SERVER_ERROR', /network|may not reach/, 'NETWORK_POLICY')
    expect(run.message).toContain(OAUTHAPI)
    expect(run.elapsedMs).toBeLessThan(RUN_BOUND_MS)
    expect(server.requestCount()).toBe(0)
  })

  it.each(SPELLINGS)('an API base URL at %s is refused, nothing sent', async (host, scheme) => {
    const apiBaseUrl = `${scheme}://${host}:${port}${API_PATH}`
    const run = await runAction(
      authenticatedApiCall,
      { path: '/internal', accessToken: 'handed-in-token-1234' },
      settingsFor(server, { apiBaseUrl }),
    )
    expectError(run, 'SERVER_ERROR', /may not reach/, 'NETWORK_POLICY')
    expect(run.dataPoints).toEqual({})
    expect(run.emitted).not.toContain('secret data')
    expect(server.requestCount()).toBe(0)
  })

  it('names the host, the address a name resolved to and the rule', async () => {
    const tokenUrl = `http://localhost:${port}${TOKEN_PATH}`
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server, { tokenUrl }))
    expectError(
      run,
      'SERVER_ERROR',
      /localhost \((127\.0\.0\.1|::1)\) is .*loopback/,
      'NETWORK_POLICY',
    )
    expect(server.requestCount()).toBe(0)
  })

  it('an issuer URL at loopback is refused', async () => {
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { tokenUrl: undefined, issuerUrl: `http://127.1:${port}/tenant` }),
    )
    expectError(run, 'SERVER_ERROR', /loopback/, 'NETWORK_POLICY')
    expect(server.requestCount()).toBe(0)
  })
})

describe('network policy with OAUTHAPI_ALLOWED_NETWORKS', () => {
  it('opens the listed ranges: loopback spelled 127.1 works', async () => {
    setAllowlist('127.0.0.0/8, ::1/128')
    const run = await runAction(
      authenticatedApiCall,
      { path: '/internal' },
      settingsFor(server, {
        tokenUrl: `http://127.1:${port}${TOKEN_PATH}`,
        apiBaseUrl: `http://0x7f000001:${port}${API_PATH}`,
      }),
    )
    expectOutcome(run, 'complete')
    expect(run.dataPoints.statusCode).toBe('200')
  })

  it('a single address opens that address only: a discovered token endpoint elsewhere on loopback is refused', async () => {
    setAllowlist('127.0.0.1')
    server.respondWith(
      routes([
        [
          '/tenant/.well-known/openid-configuration',
          (_recorded, response) =>
            sendJson(response, 200, {
              issuer: server.url('/tenant'),
              token_endpoint: `http://127.0.0.2:${port}${TOKEN_PATH}`,
            }),
        ],
        [TOKEN_PATH, tokenIssuer()],
      ]),
    )
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { tokenUrl: undefined, issuerUrl: server.url('/tenant') }),
    )
    expectError(run, 'SERVER_ERROR', /127\.0\.0\.2.*loopback/, 'NETWORK_POLICY')
    expect(server.requestsTo(TOKEN_PATH)).toEqual([])
  })

  it('a range does not open the metadata address inside it', async () => {
    setAllowlist('127.0.0.0/8,169.254.0.0/16')
    const run = await runAction(
      fetchOAuthToken,
      {},
      settingsFor(server, { tokenUrl: 'https://169.254.169.254/latest/meta-data/' }),
    )
    expectError(run, 'SERVER_ERROR', /cloud metadata/, 'NETWORK_POLICY')
  })

  it('an allowlist that cannot be read refuses everything (fails closed)', async () => {
    setAllowlist('127.0.0.0/8,not-a-range')
    const run = await runAction(fetchOAuthToken, {}, settingsFor(server))
    expectError(run, 'SERVER_ERROR', /not a comma-separated list of CIDR ranges/, 'NETWORK_POLICY')
    expect(server.requestCount()).toBe(0)
  })
})

const OAUTHAPI = ALLOWED_NETWORKS_ENV
