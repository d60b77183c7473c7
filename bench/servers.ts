// The benchmark's token endpoint and FHIR API, run in a child process (see serverProcess.ts): it
// answers over loopback and reports its request counts over the IPC channel.

import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ParentMessage, ServerCounts, ServerMessage } from './protocol'

const counts: ServerCounts = {
  tokenRequests: 0,
  apiRequests: 0,
  refusedApiRequests: 0,
  lastApiRequestHeaders: [],
}

/** Header lines as received, sorted; Host differs by nothing but is left out all the same. */
const headerLines = (req: IncomingMessage): string[] => {
  const lines: string[] = []
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase()
    if (name !== 'host') lines.push(`${name}: ${req.rawHeaders[i + 1]}`)
  }
  return lines.sort()
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

/** Reads (and discards) the request body, so that the connection can be reused. */
const drain = (req: IncomingMessage): Promise<void> =>
  new Promise((resolve) => {
    req.on('data', () => undefined)
    req.on('end', resolve)
    req.on('error', resolve)
  })

/** RFC 6749 §4.4: client credentials grant; every POST /token counts as one token request. */
const tokenServer = createServer((req, res) => {
  void drain(req).then(() => {
    if (req.method !== 'POST' || req.url !== '/token') return json(res, 404, { error: 'not_found' })
    counts.tokenRequests++
    if (!(req.headers.authorization ?? '').startsWith('Basic ')) {
      return json(res, 401, { error: 'invalid_client' })
    }
    json(res, 200, {
      access_token: randomBytes(24).toString('base64url'),
      token_type: 'Bearer',
      expires_in: 3600,
    })
  })
})

const PATIENT_PATH = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/

/** GET /fhir/Patient/:id with any Bearer token: a small FHIR R4 Patient. */
const apiServer = createServer((req, res) => {
  void drain(req).then(() => {
    counts.apiRequests++
    counts.lastApiRequestHeaders = headerLines(req)
    const match = req.method === 'GET' ? PATIENT_PATH.exec(req.url ?? '') : null
    if (match === null) return json(res, 404, { resourceType: 'OperationOutcome' })
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) {
      counts.refusedApiRequests++
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"')
      return json(res, 401, { resourceType: 'OperationOutcome' })
    }
    json(
      res,
      200,
      {
        resourceType: 'Patient',
        id: match[1],
        active: true,
        name: [{ use: 'official', family: 'Chalmers', given: ['Peter', 'James'] }],
        gender: 'male',
        birthDate: '1974-12-25',
      },
      'application/fhir+json',
    )
  })
})

const listen = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => {
    // Longer than any pause in the benchmark, so that an idle keep-alive socket is never closed
    // by the server just as the client reuses it.
    server.keepAliveTimeout = 60_000
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

let stopping = false
const stop = async (): Promise<void> => {
  if (stopping) return
  stopping = true
  await Promise.all([close(tokenServer), close(apiServer)])
  process.exit(0)
}

const main = async (): Promise<void> => {
  const [tokenPort, apiPort] = await Promise.all([listen(tokenServer), listen(apiServer)])
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stats') send({ type: 'stats', id: message.id, ...counts })
    if (message.type === 'stop') void stop()
  })
  // The parent is gone (or crashed): do not outlive it.
  process.on('disconnect', () => void stop())
  send({ type: 'ready', tokenPort, apiPort })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
