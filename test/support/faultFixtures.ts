/** Settings and bounds shared by the fault-injection suites. */
import { clearCaches } from '../../extensions/oauthApi/lib/oauth/caches'
import {
  startLoopbackServer,
  type LoopbackServer,
  type Responder,
} from '../../servers/loopbackServer'

/** Every request is bounded by this (the smallest timeoutSeconds allowed). */
export const TIMEOUT_SECONDS = 1
/** A run ends within the timeout plus this margin (retries, backoff, a slow CI machine). */
const MARGIN_MS = 1500
export const RUN_BOUND_MS = TIMEOUT_SECONDS * 1000 + MARGIN_MS

export const TOKEN_PATH = '/oauth/token'
export const API_PATH = '/api/v1'

/** Planted secrets: distinctive, so that a leak cannot be a coincidence. */
export const CLIENT_ID = 'fault-client'
export const CLIENT_SECRET = 'cs-Planted-Secret-7f3a9e21'

export type SettingsValues = Record<string, string | undefined>

/** Settings pointing at a loopback server: token endpoint and API base on the same origin. */
export const settingsFor = (
  server: LoopbackServer,
  overrides: SettingsValues = {},
): SettingsValues => ({
  tokenUrl: server.url(TOKEN_PATH),
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  apiBaseUrl: server.url(API_PATH),
  timeoutSeconds: String(TIMEOUT_SECONDS),
  ...overrides,
})

/** The value of a form parameter in a recorded request body. */
export const formParam = (body: string, name: string): string | undefined =>
  new URLSearchParams(body).get(name) ?? undefined

/** A responder that answers only after `ms`, as a slow server does (each request anew). */
export const delayed =
  (ms: number, responder: Responder): Responder =>
  (recorded, response, request) => {
    const timer = setTimeout(() => {
      if (!response.destroyed) void responder(recorded, response, request)
    }, ms)
    response.on('close', () => clearTimeout(timer))
  }

/**
 * The loopback server of a fault file: started once and closed at the end; before each test its
 * recorded requests are forgotten and the process's caches cleared, so that no test sees
 * another's token. `onStart` hands the server to the file.
 */
export const useFaultServer = (onStart: (server: LoopbackServer) => void): void => {
  let server: LoopbackServer | undefined
  beforeAll(async () => {
    server = await startLoopbackServer()
    onStart(server)
  })
  afterAll(() => server?.close())
  beforeEach(() => {
    clearCaches()
    server?.reset()
  })
}
