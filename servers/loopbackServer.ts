/**
 * The one server primitive of the tooling: a real HTTP server on 127.0.0.1, port 0 (a free
 * port). Every request's body is read before the current responder answers it — or does not
 * answer, resets the connection, streams forever… — and the request is recorded (method, URL,
 * headers, body) unless recording is off. Closing destroys the sockets, so that nothing keeps the
 * process (or jest) alive. Used by the jose-protected API, the fault and fuzz suites and the
 * bench's server process; plus small responders for the fault cases.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export interface RecordedRequest {
  method: string
  /** The request target as received: path and query. */
  url: string
  headers: IncomingHttpHeaders
  body: string
}

/**
 * Answers one request; `request` is there for its raw headers and its socket (resets). A
 * responder that throws or rejects gets its response destroyed.
 */
export type Responder = (
  recorded: RecordedRequest,
  response: ServerResponse,
  request: IncomingMessage,
) => void | Promise<void>

export interface LoopbackServerOptions {
  /** Keep every request in `requests` (default true); off for the bench's long runs. */
  record?: boolean
  /** How long an idle keep-alive connection stays open (Node's default: 5 s). */
  keepAliveTimeoutMs?: number
  /**
   * Serve https with this certificate and key (PEM); with `ca` and `requestCert`, ask for a client
   * certificate (the responder checks it on `request.socket`; a missing one is not refused at the
   * handshake unless `rejectUnauthorized`).
   */
  tls?: {
    cert: string
    key: string
    ca?: string[]
    requestCert?: boolean
    rejectUnauthorized?: boolean
  }
}

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string
  url: (path: string) => string
  /** The recorded requests (none when recording is off). */
  requests: RecordedRequest[]
  /** The requests received since the start or the last reset, recorded or not. */
  requestCount: () => number
  /** The recorded requests whose path starts with `prefix`. */
  requestsTo: (prefix: string) => RecordedRequest[]
  /** Replaces the responder for the requests to come. */
  respondWith: (responder: Responder) => void
  /** Forgets the recorded requests and the count. */
  reset: () => void
  /** Destroys the open sockets and closes the server; idempotent. */
  close: () => Promise<void>
}

const notFound: Responder = (_recorded, response) => sendJson(response, 404, {})

const HOST = '127.0.0.1'

export const startLoopbackServer = async (
  responder: Responder = notFound,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> => {
  const record = options.record ?? true
  let current = responder
  let count = 0
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const answer = (
    recorded: RecordedRequest,
    response: ServerResponse,
    request: IncomingMessage,
  ) => {
    try {
      const pending = current(recorded, response, request)
      if (pending instanceof Promise) pending.catch(() => response.destroy())
    } catch {
      response.destroy()
    }
  }
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    count++
    response.on('error', ignore)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('error', ignore)
    request.on('end', () => {
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      if (record) requests.push(recorded)
      answer(recorded, response, request)
    })
  }
  const server =
    options.tls === undefined
      ? createServer(handler)
      : createHttpsServer({ rejectUnauthorized: false, ...options.tls }, handler)
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', ignore)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('clientError', (_error, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const origin = `${options.tls === undefined ? 'http' : 'https'}://${HOST}:${port}`
  let closing: Promise<void> | undefined
  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests,
    requestCount: () => count,
    requestsTo: (prefix) => requests.filter((request) => request.url.startsWith(prefix)),
    respondWith: (next) => {
      current = next
    },
    reset: () => {
      requests.length = 0
      count = 0
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })),
  }
}

const ignore = (): void => undefined

export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  response.end(JSON.stringify(body))
}

export const sendText = (
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void => {
  response.writeHead(status, { 'Content-Type': 'text/plain', ...headers })
  response.end(body)
}

/** A TCP reset instead of an answer: the client sees ECONNRESET. */
export const resetConnection: Responder = (_recorded, _response, request) => {
  request.socket.resetAndDestroy()
}

/** Never answers; the client's timeout has to end the exchange. */
export const neverAnswer: Responder = () => undefined

/** Streams `totalBytes` of JSON-ish text in chunks, without a Content-Length. */
export const streamBody =
  (totalBytes: number, chunkBytes = 4096): Responder =>
  (_recorded, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json' })
    let sent = 0
    const next = (): void => {
      if (response.destroyed || response.writableEnded) return
      if (sent >= totalBytes) {
        response.end()
        return
      }
      const size = Math.min(chunkBytes, totalBytes - sent)
      sent += size
      response.write('x'.repeat(size))
      setImmediate(next)
    }
    next()
  }

/** Answers the responders in turn, the last one for all further requests. */
export const inSequence = (...responders: Responder[]): Responder => {
  let index = 0
  return (recorded, response, request) => {
    const responder = responders[Math.min(index, responders.length - 1)]
    index++
    return responder(recorded, response, request)
  }
}

/** A client-credentials token endpoint that hands out distinct opaque tokens. */
export const tokenIssuer = (
  prefix = 'tok',
  extra: Record<string, unknown> = {},
): Responder & { issued: string[] } => {
  const issued: string[] = []
  const responder: Responder = (_recorded, response) => {
    const token = `${prefix}_${issued.length + 1}_${Math.random().toString(36).slice(2, 12)}`
    issued.push(token)
    sendJson(
      response,
      200,
      { access_token: token, token_type: 'Bearer', expires_in: 3600, ...extra },
      { 'Cache-Control': 'no-store' },
    )
  }
  return Object.assign(responder, { issued })
}

/** Routes by path prefix: the first matching prefix wins, the fallback answers the rest. */
export const routes = (
  table: Array<[prefix: string, responder: Responder]>,
  fallback: Responder = notFound,
): Responder => {
  return (recorded, response, request) => {
    const match = table.find(([prefix]) => recorded.url.startsWith(prefix))
    return (match?.[1] ?? fallback)(recorded, response, request)
  }
}
