/**
 * Every wait ends within its step: a TLS handshake that never completes, a token request shared
 * by runs with different timeouts, and a shared token request stalled in its handshake.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { authenticatedApiCall } from '../../extensions/oauthApi/actions/authenticatedApiCall'
import { fetchOAuthToken } from '../../extensions/oauthApi/actions/fetchOAuthToken'
import {
  expectError,
  expectOutcome,
  runAction,
} from '../../extensions/oauthApi/__mocks__/oauthApiTestKit/actionRun'
import { tokenIssuer, type LoopbackServer } from '../../servers/loopbackServer'
import { delayed, settingsFor, TOKEN_PATH, useFaultServer } from '../support/faultFixtures'
import { trackUnhandledRejections } from '../support/unhandledRejections'

trackUnhandledRejections()

let server: LoopbackServer
useFaultServer((started) => {
  server = started
})

/** A TCP server that accepts connections and never says a word (no ServerHello, no answer). */
interface SilentServer {
  origin: string
  connections: () => number
  close: () => Promise<void>
}

const startSilentServer = async (): Promise<SilentServer> => {
  const sockets = new Set<Socket>()
  let count = 0
  const silent: Server = createServer((socket) => {
    count++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const address = silent.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    origin: `https://127.0.0.1:${address.port}`,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    },
  }
}

let silent: SilentServer
beforeAll(async () => {
  silent = await startSilentServer()
})
afterAll(() => silent.close())

/** The bound: a step with timeout t ends within t + 2 s. */
const within = (seconds: number): number => seconds * 1000 + 2000

it('a TLS handshake that never completes at the API ends a 1 s step within 3 s', async () => {
  server.respondWith(tokenIssuer())
  const run = await runAction(
    authenticatedApiCall,
    { path: '/Patient/1' },
    settingsFor(server, { apiBaseUrl: `${silent.origin}/fhir`, timeoutSeconds: '1' }),
  )
  expectError(run, 'SERVER_ERROR', /timeout of 1 s/, 'TIMEOUT')
  expect(run.elapsedMs).toBeLessThan(within(1))
}, 10_000)

it('a TLS handshake that never completes at the token endpoint ends a 1 s step within 3 s', async () => {
  const run = await runAction(
    fetchOAuthToken,
    {},
    settingsFor(server, { tokenUrl: `${silent.origin}/token`, timeoutSeconds: '1' }),
  )
  expectError(run, 'SERVER_ERROR', /timeout of 1 s/, 'TIMEOUT')
  expect(run.elapsedMs).toBeLessThan(within(1))
}, 10_000)

it("a run joining a shared token request waits for it with its own deadline, not the first run's", async () => {
  server.respondWith(delayed(2000, tokenIssuer()))
  const first = runAction(fetchOAuthToken, {}, settingsFor(server, { timeoutSeconds: '1' }))
  await new Promise((resolve) => setTimeout(resolve, 100))
  const second = runAction(fetchOAuthToken, {}, settingsFor(server, { timeoutSeconds: '10' }))
  const [short, long] = await Promise.all([first, second])
  expectError(short, 'SERVER_ERROR', /timeout of 1 s/, 'TIMEOUT')
  expect(short.elapsedMs).toBeLessThan(within(1))
  expectOutcome(long, 'complete')
  expect(long.dataPoints.accessToken).toMatch(/^tok_1_/)
  // One token request served both.
  expect(server.requestsTo(TOKEN_PATH)).toHaveLength(1)
}, 15_000)

it('a token request stalled in its handshake does not keep a later run from making its own', async () => {
  const settings = settingsFor(server, { tokenUrl: `${silent.origin}/token`, timeoutSeconds: '1' })
  const before = silent.connections()
  const first = await runAction(fetchOAuthToken, {}, settings)
  expectError(first, 'SERVER_ERROR', /timeout of 1 s/, 'TIMEOUT')
  const second = await runAction(fetchOAuthToken, {}, settings)
  expectError(second, 'SERVER_ERROR', /timeout of 1 s/, 'TIMEOUT')
  expect(second.elapsedMs).toBeLessThan(within(1))
  // The second run connected itself rather than wait on the first run's stalled request.
  expect(silent.connections() - before).toBe(2)
}, 15_000)
