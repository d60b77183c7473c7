/**
 * For unit tests: a real HTTP server on 127.0.0.1 (port 0) that answers with stubs — the same
 * transport the extension uses in production (undici), no interception. Each stub answers a
 * method and path a number of times; a request no stub answers gets a 501 and fails the test.
 * `useStubServer()` registers the lifecycle: started in beforeAll, stubs and the process's token
 * cache cleared before each test, closed (with its sockets) in afterAll.
 */
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { clearCaches } from '../../lib/oauth/caches'
import './allowLoopback'

export interface StubRequest {
  method: string
  /** The path and query as received. */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  /** The body decoded as UTF-8. */
  body: string
  /** The body's bytes as received. */
  bytes: Buffer
}

/** Status, body (an object is sent as JSON), headers. */
type StubReply = [status: number, body?: unknown, headers?: Record<string, string>]

type StubAnswer = StubReply | ((request: StubRequest) => StubReply | Promise<StubReply>)

interface StubOptions {
  /** How many requests the stub answers (default 1). */
  times?: number
  /** Waits this long before answering. */
  delayMs?: number
}

interface Stub {
  /** The requests this stub answered. */
  readonly requests: StubRequest[]
  /** Whether it answered as many requests as `times`. */
  isDone: () => boolean
}

export interface StubServer {
  /** e.g. http://127.0.0.1:41234 (only once started). */
  readonly origin: string
  /** Every request received since the last reset, answered or not. */
  readonly requests: StubRequest[]
  /** Answers `method` requests to `path` (the path alone, without the query; or a RegExp on it). */
  on: (method: string, path: string | RegExp, answer: StubAnswer, options?: StubOptions) => Stub
}

interface Registered {
  method: string
  path: string | RegExp
  answer: StubAnswer
  times: number
  delayMs: number
  stub: Stub
}

export const useStubServer = (): StubServer => {
  let origin: string | undefined
  let stubs: Registered[] = []
  const requests: StubRequest[] = []
  const unmatched: string[] = []
  const failures: unknown[] = []
  const sockets = new Set<Socket>()

  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stub')
      const received: StubRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: '',
        bytes: Buffer.concat(chunks),
      }
      received.body = received.bytes.toString('utf8')
      requests.push(received)
      const match = stubs.find(
        (each) =>
          each.stub.requests.length < each.times &&
          each.method === received.method &&
          (typeof each.path === 'string'
            ? each.path === received.path
            : each.path.test(received.path)),
      )
      if (match === undefined) {
        unmatched.push(`${received.method} ${received.url}`)
        response.writeHead(501, { 'Content-Type': 'text/plain' }).end('no stub for this request')
        return
      }
      match.stub.requests.push(received)
      answerWith(match, received, response).catch((error: unknown) => failures.push(error))
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })

  beforeAll(async () => {
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  beforeEach(() => {
    clearCaches()
    stubs = []
    requests.length = 0
    unmatched.length = 0
    failures.length = 0
  })
  afterEach(() => {
    // An assertion that failed inside an answer fails the test here.
    if (failures.length > 0) throw failures[0]
    expect(unmatched).toEqual([])
  })

  return {
    get origin(): string {
      if (origin === undefined) throw new Error('the stub server is started in beforeAll')
      return origin
    },
    requests,
    on: (method, path, answer, options = {}) => {
      const stub: Stub = {
        requests: [],
        isDone: () => stub.requests.length >= (options.times ?? 1),
      }
      stubs.push({
        method: method.toUpperCase(),
        path,
        answer,
        times: options.times ?? 1,
        delayMs: options.delayMs ?? 0,
        stub,
      })
      return stub
    },
  }
}

const answerWith = async (
  stub: Registered,
  request: StubRequest,
  response: ServerResponse,
): Promise<void> => {
  if (stub.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, stub.delayMs))
  let reply: StubReply
  try {
    reply = typeof stub.answer === 'function' ? await stub.answer(request) : stub.answer
  } catch (error) {
    response.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error))
    throw error
  }
  const [status, body, headers = {}] = reply
  const isJson = body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)
  response.writeHead(status, {
    ...(isJson ? { 'Content-Type': 'application/json' } : {}),
    ...headers,
  })
  response.end(isJson ? JSON.stringify(body) : body)
}
