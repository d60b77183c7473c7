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

const SERVER_OPTIONS: LoopbackServerOptions = {
  record: false,
  // Longer than any pause in the benchmark, so that an idle keep-alive socket is never closed
  // by the server just as the client reuses it.
  keepAliveTimeoutMs: 60_000,
}

const PATIENT_PATH = /^\/fhir\/Patient\/([A-Za-z0-9\-.]{1,64})$/

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
    /** GET /fhir/Patient/:id with any Bearer token: a small FHIR R4 Patient. */
    startLoopbackServer((recorded, res, req) => {
      counts.apiRequests++
      counts.lastApiRequestHeaders = headerLines(req)
      const match = recorded.method === 'GET' ? PATIENT_PATH.exec(recorded.url) : null
      if (match === null) return json(res, 404, { resourceType: 'OperationOutcome' })
      if (!/^Bearer \S+$/.test(recorded.headers.authorization ?? '')) {
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
