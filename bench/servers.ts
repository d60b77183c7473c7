// The benchmark's token endpoint and FHIR API, run in a child process (see serverProcess.ts): it
// answers over loopback (servers/loopbackServer.ts, not recording: only counting) and reports
// its request counts over the IPC channel.

import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startLoopbackServer, type LoopbackServerOptions } from '../servers/loopbackServer'
import type { ParentMessage, ServerCounts, ServerMessage } from './protocol'

const counts: ServerCounts = {
  tokenRequests: 0,
  apiRequests: 0,
  refusedApiRequests: 0,
  lastApiRequest: [],
}

/** The request line, then the header lines as received (names in lower case), sorted. */
const requestLines = (req: IncomingMessage): string[] => {
  const lines: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    lines.push(`${req.rawHeaders[i].toLowerCase()}: ${req.rawHeaders[i + 1]}`)
  }
  return [`${req.method} ${req.url}`, ...lines.sort()]
}

const send = (message: ServerMessage): void => {
  process.send?.(message)
}

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  })
  res.end(text)
}

const SERVER_OPTIONS: LoopbackServerOptions = {
  record: false,
  // Longer than any pause in the benchmark, so that an idle keep-alive socket is never closed
  // by the server just as the client reuses it.
  keepAliveTimeoutMs: 60_000,
}

const PATIENT_PATH = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/
const GRAPHQL_PATH = '/fhir/$graphql'
/** POST [base]/Bundle: the large-body scenario's endpoint (a FHIR transaction). */
const BUNDLE_PATH = '/fhir/Bundle'

const patient = (id: string) => ({
  resourceType: 'Patient',
  id,
  active: true,
  name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
  gender: 'male',
  birthDate: '1974-12-25',
})

/** Whether the request carries a Bearer token (RFC 6750 §2.1); answers 401 if it does not. */
const bearerChecked = (authorization: string | undefined, res: ServerResponse): boolean => {
  if (/^Bearer \S+$/.test(authorization ?? '')) return true
  counts.refusedApiRequests++
  res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
  json(res, 401, { resourceType: 'OperationOutcome' })
  return false
}

/**
 * POST [base]/$graphql with a JSON body that has a query: a fixed answer of the same size as the
 * REST one. The server does the same small amount of work for every contender (the benchmark
 * measures clients); the GraphQL action's tests run queries through the graphql reference
 * implementation.
 */
const graphql = (body: string, res: ServerResponse): void => {
  let query: unknown
  try {
    query = (JSON.parse(body) as { query?: unknown }).query
  } catch {
    query = undefined
  }
  if (typeof query !== 'string') return json(res, 400, { errors: [{ message: 'no query' }] })
  json(res, 200, { data: { Patient: patient('pat-0001') } }, 'application/json')
}

const main = async (): Promise<void> => {
  const [tokenServer, apiServer] = await Promise.all([
    /** RFC 6749 §4.4: client credentials grant; every POST /token counts as one token request. */
    startLoopbackServer((recorded, res) => {
      if (recorded.method !== 'POST' || recorded.url !== '/token') {
        return json(res, 404, { error: 'not_found' })
      }
      counts.tokenRequests++
      if (!(recorded.headers.authorization ?? '').startsWith('Basic ')) {
        return json(res, 401, { error: 'invalid_client' })
      }
      json(res, 200, {
        access_token: randomBytes(24).toString('base64url'),
        token_type: 'Bearer',
        expires_in: 3600,
      })
    }, SERVER_OPTIONS),
    /**
     * GET /fhir/Patient/:id with any Bearer token: a small FHIR R4 Patient; POST /fhir/$graphql:
     * the same patient as GraphQL data; POST /fhir/Bundle: a small transaction-response.
     */
    startLoopbackServer((recorded, res, req) => {
      counts.apiRequests++
      counts.lastApiRequest = requestLines(req)
      if (recorded.method === 'POST' && recorded.url === GRAPHQL_PATH) {
        if (bearerChecked(recorded.headers.authorization, res)) graphql(recorded.body, res)
        return
      }
      if (recorded.method === 'POST' && recorded.url === BUNDLE_PATH) {
        // The body is read whole (loopbackServer) and not parsed: the same work for every client.
        if (!bearerChecked(recorded.headers.authorization, res)) return
        return json(res, 201, { resourceType: 'Bundle', type: 'transaction-response' })
      }
      const match = recorded.method === 'GET' ? PATIENT_PATH.exec(recorded.url) : null
      if (match === null) return json(res, 404, { resourceType: 'OperationOutcome' })
      if (!bearerChecked(recorded.headers.authorization, res)) return
      json(res, 200, patient(match[1]), 'application/fhir+json')
    }, SERVER_OPTIONS),
  ])

  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await Promise.all([tokenServer.close(), apiServer.close()])
    process.exit(0)
  }
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stats') send({ type: 'stats', id: message.id, ...counts })
    if (message.type === 'stop') void stop()
  })
  // The parent is gone (or crashed): do not outlive it.
  process.on('disconnect', () => void stop())
  send({
    type: 'ready',
    tokenPort: Number(new URL(tokenServer.origin).port),
    apiPort: Number(new URL(apiServer.origin).port),
  })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
