// Token endpoints and an API in the dialects real vendors speak (issue 21), on one loopback
// server, so that the e2e tests and the demo prove each vendor setting against real HTTP:
//
// token endpoints (POST; client_secret_basic or client_secret_post):
//   /salesforce/token  Salesforce's answer: access_token (with "!"), instance_url, id,
//                      token_type, issued_at, signature — no lifetime
//   /bcda/token        CMS BCDA: expires_in as a string ("1200")
//   /nested/token      the token and lifetime nested: { data: { token, expiresIn } }
//   /absolute/token    Playback Health-like: { idToken, expiresAt: ISO 8601 }
//   /json/token        takes only application/json (415 for a form)
//   /typed/token       token_type "Token" (not Bearer)
//
// the API (/api/<mode>/…), each mode checking the token where its vendor wants it:
//   bearer     Authorization: Bearer <token>               (RFC 6750 §2.1)
//   freshsales Authorization: Token token=<token>
//   stedi      Authorization: <token>
//   custom     X-Access-Token: <token>, and no Authorization
//   query      ?access_token=<token> (RFC 6750 §2.3), and no Authorization
//   dock       Bearer, plus x-api-key, x-user-id, x-organization-id (Dock Health)
//   healthie   Authorization: Basic <token>, plus AuthorizationSource: API (Healthie)
// with, under each mode:
//   GET  echo      200 with the headers and query it received (as careless APIs echo them),
//                  and the request URL in Location
//   GET  items     three pages, linked by Link rel="next" (echoing a query token, as some do)
//   GET  moved     307 to echo (under the base)
//   GET  out       302 to /outside/echo (outside the base: must not be followed)
// A missing or unknown token answers 401 with WWW-Authenticate: Bearer error="invalid_token"; a
// missing or wrong fixed header answers 400.

import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import {
  sendJson,
  startLoopbackServer,
  type LoopbackServer,
  type RecordedRequest,
} from './loopbackServer'

const DIALECT_TOKEN_ENDPOINTS = [
  'salesforce',
  'bcda',
  'nested',
  'absolute',
  'json',
  'typed',
] as const
type DialectTokenEndpoint = (typeof DIALECT_TOKEN_ENDPOINTS)[number]

const DIALECT_API_MODES = [
  'bearer',
  'freshsales',
  'stedi',
  'custom',
  'query',
  'dock',
  'healthie',
] as const
export type DialectApiMode = (typeof DIALECT_API_MODES)[number]

/** The settings (all strings) that make the extension speak each dialect. */
const TOKEN_SETTINGS: Record<DialectTokenEndpoint, Record<string, string>> = {
  salesforce: {},
  bcda: {},
  nested: { tokenPath: 'data.token', expiresInPath: 'data.expiresIn' },
  absolute: { tokenPath: 'idToken', expiresAtPath: 'expiresAt' },
  json: { tokenRequestFormat: 'json', clientAuthMethod: 'client_secret_post' },
  typed: {},
}

export interface DialectServersOptions {
  /** The lifetime the endpoints state (and the API enforces), in seconds; default 3600. */
  lifetimeSeconds?: number
  /** How long a Salesforce-shaped token is valid at the API (it states none); default 7200. */
  unstatedLifetimeSeconds?: number
}

export interface DialectServers {
  origin: string
  /** The server's URL of a path, e.g. url('/api/query/echo'). */
  url: (path: string) => string
  clientId: string
  clientSecret: string
  /** The fixed headers Dock Health and Healthie modes expect, by mode. */
  fixedHeaders: { dock: Record<string, string>; healthie: Record<string, string> }
  tokenUrl: (endpoint: DialectTokenEndpoint) => string
  apiBaseUrl: (mode: DialectApiMode) => string
  /** The extension settings for a token endpoint and an API mode; `extra` added last. */
  settingsFor: (
    endpoint: DialectTokenEndpoint,
    mode: DialectApiMode,
    extra?: Record<string, string>,
  ) => Record<string, string>
  /** Every request received (method, URL, headers, body). */
  requests: RecordedRequest[]
  tokenRequests: (endpoint?: DialectTokenEndpoint) => RecordedRequest[]
  apiRequests: (mode?: DialectApiMode) => RecordedRequest[]
  /** The tokens issued so far, in order. */
  issued: string[]
  /** Makes every token issued so far unknown to the API (it then answers 401). */
  revokeAll: () => void
  reset: () => void
  close: () => Promise<void>
}

const CLIENT_ID = 'dialect-client'

export const startDialectServers = async (
  options: DialectServersOptions = {},
): Promise<DialectServers> => {
  const lifetimeSeconds = options.lifetimeSeconds ?? 3600
  const unstatedLifetimeSeconds = options.unstatedLifetimeSeconds ?? 7200
  const clientSecret = `dialect-secret-${randomBytes(12).toString('base64url')}`
  const fixedHeaders = {
    dock: {
      'x-api-key': `dock-key-${randomBytes(9).toString('base64url')}`,
      'x-user-id': `user-${randomBytes(6).toString('hex')}`,
      'x-organization-id': `org-${randomBytes(6).toString('hex')}`,
    },
    healthie: { AuthorizationSource: 'API' },
  }
  /** token → epoch ms until which the API takes it */
  const valid = new Map<string, number>()
  const issued: string[] = []

  const issue = (prefix: string, seconds: number, alphabet: 'b64' | 'salesforce'): string => {
    const body = randomBytes(24).toString('base64url')
    const token =
      alphabet === 'salesforce'
        ? `00D${randomBytes(6).toString('hex')}!${body}`
        : `${prefix}_${body}`
    issued.push(token)
    valid.set(token, Date.now() + seconds * 1000)
    return token
  }

  const tokenAnswer = (endpoint: DialectTokenEndpoint): Record<string, unknown> => {
    switch (endpoint) {
      case 'salesforce': {
        const token = issue('sf', unstatedLifetimeSeconds, 'salesforce')
        return {
          access_token: token,
          instance_url: server.origin,
          id: `${server.origin}/id/00D/005`,
          token_type: 'Bearer',
          issued_at: String(Date.now()),
          signature: randomBytes(32).toString('base64'),
        }
      }
      case 'bcda':
        return {
          access_token: issue('bcda', lifetimeSeconds, 'b64'),
          token_type: 'bearer',
          expires_in: String(lifetimeSeconds),
        }
      case 'nested':
        return {
          status: 'success',
          data: { token: issue('nested', lifetimeSeconds, 'b64'), expiresIn: lifetimeSeconds },
        }
      case 'absolute':
        return {
          idToken: issue('abs', lifetimeSeconds, 'b64'),
          expiresAt: new Date(Date.now() + lifetimeSeconds * 1000).toISOString(),
        }
      case 'json':
        return {
          access_token: issue('json', lifetimeSeconds, 'b64'),
          token_type: 'Bearer',
          expires_in: lifetimeSeconds,
        }
      case 'typed':
        return {
          access_token: issue('typed', lifetimeSeconds, 'b64'),
          token_type: 'Token',
          expires_in: lifetimeSeconds,
        }
    }
  }

  const answerToken = (
    endpoint: DialectTokenEndpoint,
    recorded: RecordedRequest,
    response: ServerResponse,
  ): void => {
    const contentType = String(recorded.headers['content-type'] ?? '')
    const isJson = contentType.startsWith('application/json')
    if (
      endpoint === 'json' ? !isJson : !contentType.startsWith('application/x-www-form-urlencoded')
    ) {
      sendJson(response, 415, {
        error: 'invalid_request',
        error_description: `this endpoint takes ${endpoint === 'json' ? 'application/json' : 'a form'}`,
      })
      return
    }
    const params = isJson ? jsonParams(recorded.body) : formParams(recorded.body)
    if (params === undefined || params['grant_type'] !== 'client_credentials') {
      sendJson(response, 400, { error: 'unsupported_grant_type' })
      return
    }
    if (!clientAuthenticated(recorded.headers, params)) {
      sendJson(response, 401, { error: 'invalid_client' })
      return
    }
    sendJson(response, 200, tokenAnswer(endpoint), { 'Cache-Control': 'no-store' })
  }

  const clientAuthenticated = (
    headers: IncomingHttpHeaders,
    params: Record<string, string>,
  ): boolean => {
    const basic = /^Basic\s+(\S+)$/i.exec(headers['authorization'] ?? '')
    if (basic !== null) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':')
      return formDecode(id ?? '') === CLIENT_ID && formDecode(secret ?? '') === clientSecret
    }
    return params['client_id'] === CLIENT_ID && params['client_secret'] === clientSecret
  }

  /** The token the request carries where the mode wants it, or why it carries none. */
  const presentedToken = (
    mode: DialectApiMode,
    recorded: RecordedRequest,
    url: URL,
  ): string | undefined => {
    const authorization = recorded.headers['authorization']
    const fromAuthorization = (pattern: RegExp): string | undefined =>
      pattern.exec(authorization ?? '')?.[1]
    switch (mode) {
      case 'bearer':
      case 'dock':
        return fromAuthorization(/^Bearer (\S+)$/)
      case 'freshsales':
        return fromAuthorization(/^Token token=(\S+)$/)
      case 'stedi':
        return fromAuthorization(/^(\S+)$/)
      case 'healthie':
        return fromAuthorization(/^Basic (\S+)$/)
      case 'custom':
        return authorization === undefined
          ? singleHeader(recorded.headers['x-access-token'])
          : undefined
      case 'query': {
        const values = url.searchParams.getAll('access_token')
        return authorization === undefined && values.length === 1 ? values[0] : undefined
      }
    }
  }

  const missingFixedHeader = (
    mode: DialectApiMode,
    headers: IncomingHttpHeaders,
  ): string | undefined => {
    if (mode !== 'dock' && mode !== 'healthie') return undefined
    for (const [name, value] of Object.entries(fixedHeaders[mode])) {
      if (headers[name.toLowerCase()] !== value) return name
    }
    return undefined
  }

  const answerApi = (
    mode: DialectApiMode,
    rest: string,
    recorded: RecordedRequest,
    response: ServerResponse,
  ): void => {
    const url = new URL(recorded.url, server.origin)
    const token = presentedToken(mode, recorded, url)
    const until = token === undefined ? undefined : valid.get(token)
    if (token === undefined || until === undefined || until <= Date.now()) {
      sendJson(
        response,
        401,
        { error: 'invalid_token' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      )
      return
    }
    const missing = missingFixedHeader(mode, recorded.headers)
    if (missing !== undefined) {
      sendJson(response, 400, { error: `header ${missing} is missing or wrong` })
      return
    }
    const base = `/api/${mode}`
    switch (rest) {
      case '/echo':
        sendJson(
          response,
          200,
          { mode, headers: recorded.headers, query: Object.fromEntries(url.searchParams) },
          { Location: url.href },
        )
        return
      case '/items': {
        const page = Number(url.searchParams.get('page') ?? '1')
        const headers: Record<string, string> = {}
        if (page < 3) {
          const next = new URL(`${base}/items`, server.origin)
          next.searchParams.set('page', String(page + 1))
          // A careless API echoes the query token into its links.
          if (mode === 'query') next.searchParams.set('access_token', token)
          headers['Link'] = `<${next.pathname}${next.search}>; rel="next"`
        }
        sendJson(response, 200, [{ id: `item-${page}` }], headers)
        return
      }
      case '/moved':
        response.writeHead(307, { Location: `${base}/echo?moved=1` })
        response.end()
        return
      case '/out':
        response.writeHead(302, { Location: '/outside/echo' })
        response.end()
        return
      default:
        sendJson(response, 404, { error: 'not found' })
    }
  }

  const server: LoopbackServer = await startLoopbackServer((recorded, response) => {
    const path = new URL(recorded.url, 'http://x').pathname
    const token = /^\/([a-z]+)\/token$/.exec(path)
    if (recorded.method === 'POST' && token !== null && isTokenEndpoint(token[1])) {
      answerToken(token[1], recorded, response)
      return
    }
    const api = /^\/api\/([a-z]+)(\/.*)?$/.exec(path)
    if (api !== null && isApiMode(api[1])) {
      answerApi(api[1], api[2] ?? '', recorded, response)
      return
    }
    sendJson(response, 404, { error: 'not found' })
  })

  const apiSettings = (mode: DialectApiMode): Record<string, string> => {
    switch (mode) {
      case 'bearer':
        return {}
      case 'freshsales':
        return { tokenHeader: 'Authorization: Token token={token}' }
      case 'stedi':
        return { tokenHeader: 'Authorization: {token}' }
      case 'custom':
        return { tokenHeader: 'X-Access-Token: {token}' }
      case 'query':
        return { tokenQueryParameter: 'access_token' }
      case 'dock':
        return { apiHeaders: JSON.stringify(fixedHeaders.dock) }
      case 'healthie':
        return {
          tokenHeader: 'Authorization: Basic {token}',
          apiHeaders: JSON.stringify(fixedHeaders.healthie),
        }
    }
  }

  const tokenUrl = (endpoint: DialectTokenEndpoint): string => server.url(`/${endpoint}/token`)
  const apiBaseUrl = (mode: DialectApiMode): string => server.url(`/api/${mode}`)
  return {
    origin: server.origin,
    url: server.url,
    clientId: CLIENT_ID,
    clientSecret,
    fixedHeaders,
    tokenUrl,
    apiBaseUrl,
    settingsFor: (endpoint, mode, extra = {}) => ({
      tokenUrl: tokenUrl(endpoint),
      clientId: CLIENT_ID,
      clientSecret,
      apiBaseUrl: apiBaseUrl(mode),
      ...TOKEN_SETTINGS[endpoint],
      ...apiSettings(mode),
      ...extra,
    }),
    requests: server.requests,
    tokenRequests: (endpoint) =>
      server.requests.filter((request) =>
        endpoint === undefined
          ? /^\/[a-z]+\/token/.test(request.url)
          : request.url.startsWith(`/${endpoint}/token`),
      ),
    apiRequests: (mode) => server.requestsTo(mode === undefined ? '/api/' : `/api/${mode}/`),
    issued,
    revokeAll: () => valid.clear(),
    reset: () => {
      server.reset()
      issued.length = 0
    },
    close: () => server.close(),
  }
}

const isTokenEndpoint = (name: string): name is DialectTokenEndpoint =>
  (DIALECT_TOKEN_ENDPOINTS as readonly string[]).includes(name)
const isApiMode = (name: string): name is DialectApiMode =>
  (DIALECT_API_MODES as readonly string[]).includes(name)

const singleHeader = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined

const formDecode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

const formParams = (body: string): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(body))

const jsonParams = (body: string): Record<string, string> | undefined => {
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
    const params: Record<string, string> = {}
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === 'string') params[name] = value
    }
    return params
  } catch {
    return undefined
  }
}
