/**
 * The undici adapter against real HTTP servers on 127.0.0.1 (nock does not intercept undici).
 * Every server is closed, with its sockets, in afterAll.
 */
import { once } from 'node:events'
import {
  createServer,
  type IncomingMessage,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import axios, { Axios, AxiosError, type AxiosResponse } from 'axios'
import { createUndiciAdapter } from './undiciAdapter'
import '../../__mocks__/oauthApiTestKit/allowLoopback'

type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
}

interface TestServer {
  origin: string
  received: Received[]
  connections: () => number
  handle: (handler: Handler) => void
  close: () => Promise<void>
}

const servers: TestServer[] = []

const startServer = async (): Promise<TestServer> => {
  let handler: Handler = (_request, response) => response.end()
  const received: Received[] = []
  const sockets = new Set<Socket>()
  let connections = 0
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      })
      handler(request, response, body)
    })
  })
  server.on('connection', (socket: Socket) => {
    connections++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const testServer: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    handle: (next) => {
      handler = next
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  servers.push(testServer)
  return testServer
}

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await Promise.all(servers.map((each) => each.close()))
})
beforeEach(() => {
  server.received.length = 0
})

/** An axios instance made as sendRequest's is: nothing but this adapter. */
const client = new Axios({ adapter: createUndiciAdapter() })

const SECRET_HEADER = 'Bearer planted-token-3f9c1e77'
const SECRET_BODY = 'client_secret=planted-secret-a81d04'

const get = (path: string, maxContentLength?: number): Promise<AxiosResponse<Buffer>> =>
  client.get<Buffer>(`${server.origin}${path}`, { maxContentLength })

const failureOf = async (promise: Promise<unknown>): Promise<AxiosError> => {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AxiosError)
    return error as AxiosError
  }
  throw new Error('expected the request to fail')
}

/** The message and stack of an error quote neither the request's headers nor its body. */
const expectNoSecrets = (error: AxiosError): void => {
  for (const text of [error.message, String(error), error.stack ?? '']) {
    expect(text).not.toContain('planted-token')
    expect(text).not.toContain('planted-secret')
  }
}

/** A body whose bytes compress to something other than themselves. */
const bodyOf = (bytes: number): Buffer =>
  Buffer.from(Array.from({ length: bytes }, (_, index) => 'abcdefghij'[(index * 7) % 10]).join(''))

describe('undiciAdapter: the exchange', () => {
  it('returns status, statusText, lower-case headers and the body bytes as a Buffer', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0xc3, 0xa9])
    server.handle((_request, response) => {
      response.setHeader('X-Trace-Id', 'abc')
      response.setHeader('Set-Cookie', ['a=1', 'b=2'])
      response.setHeader('X-Multi', ['one', 'two'])
      response.writeHead(201, 'Made It', { 'Content-Type': 'application/octet-stream' })
      response.end(bytes)
    })
    const response = await get('/resource?x=1&y=%20')
    expect(response.status).toBe(201)
    expect(response.statusText).toBe('Made It')
    expect(Buffer.isBuffer(response.data)).toBe(true)
    expect(response.data.equals(bytes)).toBe(true)
    expect(response.headers).toMatchObject({
      'x-trace-id': 'abc',
      'set-cookie': ['a=1', 'b=2'],
      'x-multi': 'one, two',
      'content-type': 'application/octet-stream',
    })
    expect(response.request).toEqual({})
    expect(server.received[0]).toMatchObject({ method: 'GET', url: '/resource?x=1&y=%20' })
  })

  it('sends the headers with the values given, and asks for the encodings it decodes', async () => {
    server.handle((_request, response) => response.end())
    await client.get(`${server.origin}/h`, {
      headers: { Authorization: SECRET_HEADER, 'X-Spaces': ' a  b ', 'X-Latin1': 'caf\u00e9' },
    })
    const { headers } = server.received[0]
    expect(headers['authorization']).toBe(SECRET_HEADER)
    expect(headers['x-spaces']).toBe('a  b')
    expect(Buffer.from(headers['x-latin1'] as string, 'latin1').toString('latin1')).toBe(
      'caf\u00e9',
    )
    expect(headers['accept-encoding']).toBe('gzip, deflate, br')
    expect(headers['user-agent']).toBe(`axios/${axios.VERSION}`)
  })

  it.each([
    ['a string (UTF-8)', '{"name":"Zoë","emoji":"🩺"}'],
    ['a Buffer', Buffer.from([0, 1, 2, 0xff, 0x80, 0x0d, 0x0a])],
    ['a Uint8Array', new Uint8Array([9, 8, 7, 0])],
  ])('sends a POST body given as %s byte for byte', async (_case, data) => {
    server.handle((_request, response) => response.writeHead(204).end())
    const response = await client.post(`${server.origin}/post`, data, {
      headers: { 'Content-Type': 'application/x-test' },
    })
    expect(response.status).toBe(204)
    const expected = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)
    const received = server.received[0]
    expect(received.method).toBe('POST')
    expect(received.body.equals(expected)).toBe(true)
    expect(received.headers['content-length']).toBe(String(expected.length))
    expect(received.headers['content-type']).toBe('application/x-test')
  })

  it.each(['PUT', 'PATCH', 'DELETE'])('sends %s', async (method) => {
    server.handle((_request, response) => response.end('ok'))
    const response = await client.request({ method, url: `${server.origin}/m`, data: 'x' })
    expect(response.status).toBe(200)
    expect(server.received[0]).toMatchObject({ method, body: Buffer.from('x') })
  })

  it('does not follow redirects', async () => {
    server.handle((request, response) => {
      if (request.url === '/from') response.writeHead(302, { Location: '/to' }).end('moved')
      else response.end('followed')
    })
    const response = await get('/from')
    expect(response.status).toBe(302)
    expect(response.headers['location']).toBe('/to')
    expect(response.data.toString()).toBe('moved')
    expect(server.received.map((request) => request.url)).toEqual(['/from'])
  })

  it('resolves every status (the caller decides)', async () => {
    server.handle((request, response) =>
      response.writeHead(Number(request.url?.slice(1))).end('body'),
    )
    for (const status of [400, 401, 404, 500, 503]) {
      const response = await get(`/${status}`)
      expect(response.status).toBe(status)
      expect(response.data.toString()).toBe('body')
    }
  })

  it('reuses kept-alive connections for sequential requests', async () => {
    const own = await startServer()
    own.handle((_request, response) => response.end('ok'))
    for (let request = 0; request < 10; request++) {
      expect((await client.get(`${own.origin}/k`)).status).toBe(200)
    }
    // undici frees a connection for the next request on setImmediate, so a request sent at once
    // after the previous one may open a second connection; never one per request.
    expect(own.connections()).toBeLessThanOrEqual(2)
  })

  it('takes no proxy from the environment', async () => {
    const proxy = await startServer()
    proxy.handle((_request, response) => response.writeHead(502).end('proxied'))
    server.handle((_request, response) => response.end('direct'))
    const saved = { http: process.env.HTTP_PROXY, lower: process.env.http_proxy }
    process.env.HTTP_PROXY = proxy.origin
    process.env.http_proxy = proxy.origin
    try {
      const response = await get('/direct')
      expect(response.data.toString()).toBe('direct')
      expect(proxy.received).toHaveLength(0)
    } finally {
      if (saved.http === undefined) delete process.env.HTTP_PROXY
      else process.env.HTTP_PROXY = saved.http
      if (saved.lower === undefined) delete process.env.http_proxy
      else process.env.http_proxy = saved.lower
    }
  })
})

describe('undiciAdapter: aborting', () => {
  it('rejects with ERR_CANCELED and closes the connection when aborted mid-body', async () => {
    let closed = false
    let wrote: () => void = () => undefined
    const firstChunkSent = new Promise<void>((resolve) => (wrote = resolve))
    server.handle((request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' })
      response.write('first part, and the rest never comes')
      request.socket.on('close', () => (closed = true))
      wrote()
    })
    const controller = new AbortController()
    const pending = client.get(`${server.origin}/slow`, { signal: controller.signal })
    await firstChunkSent
    await new Promise((resolve) => setTimeout(resolve, 30))
    controller.abort()
    const error = await failureOf(pending)
    expect(error.code).toBe('ERR_CANCELED')
    expect(axios.isCancel(error)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(closed).toBe(true)
  })

  it('rejects with ERR_CANCELED when aborted before the response headers', async () => {
    server.handle(() => undefined)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = Date.now()
    const error = await failureOf(
      client.get(`${server.origin}/never`, { signal: controller.signal }),
    )
    expect(error.code).toBe('ERR_CANCELED')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('sends nothing when the signal is already aborted', async () => {
    server.handle((_request, response) => response.end())
    const error = await failureOf(
      client.get(`${server.origin}/pre`, { signal: AbortSignal.abort() }),
    )
    expect(error.code).toBe('ERR_CANCELED')
    expect(server.received).toHaveLength(0)
  })
})

describe('undiciAdapter: maxContentLength, counted after decompression', () => {
  const LIMIT = 50_000
  const encoders: Array<[string, string | undefined, (input: Buffer) => Buffer]> = [
    ['plain', undefined, (input) => input],
    ['identity', 'identity', (input) => input],
    ['gzip', 'gzip', (input) => gzipSync(input)],
    ['x-gzip', 'x-gzip', (input) => gzipSync(input)],
    ['deflate (zlib)', 'deflate', (input) => deflateSync(input)],
    ['deflate (raw)', 'deflate', (input) => deflateRawSync(input)],
    ['br', 'br', (input) => brotliCompressSync(input)],
  ]

  const serve = (encoding: string | undefined, body: Buffer, chunked: boolean): void => {
    server.handle((_request, response) => {
      const headers: Record<string, string | number> = { 'Content-Type': 'text/plain' }
      if (encoding !== undefined) headers['Content-Encoding'] = encoding
      if (!chunked) headers['Content-Length'] = body.length
      response.writeHead(200, headers)
      // In pieces, so that the limit is met in the middle of the stream.
      for (let offset = 0; offset < body.length; offset += 1000) {
        response.write(body.subarray(offset, offset + 1000))
      }
      response.end()
    })
  }

  describe.each(encoders)('%s', (_name, encoding, encode) => {
    it.each([false, true])(
      'accepts a body of exactly the limit and decodes it (chunked: %s)',
      async (chunked) => {
        const decoded = bodyOf(LIMIT)
        serve(encoding, encode(decoded), chunked)
        const response = await get('/exact', LIMIT)
        expect(response.status).toBe(200)
        expect(response.data.equals(decoded)).toBe(true)
        if (encoding !== undefined && encoding !== 'identity') {
          expect(response.headers['content-encoding']).toBeUndefined()
        }
      },
    )

    it.each([false, true])('refuses a body of limit + 1 (chunked: %s)', async (chunked) => {
      serve(encoding, encode(bodyOf(LIMIT + 1)), chunked)
      const error = await failureOf(
        client.get(`${server.origin}/over`, {
          maxContentLength: LIMIT,
          headers: { Authorization: SECRET_HEADER },
        }),
      )
      expect(error.message).toContain('maxContentLength')
      expect(error.code).toBe('ERR_BAD_RESPONSE')
      expectNoSecrets(error)
    })
  })

  it('is unlimited without maxContentLength', async () => {
    serve('gzip', gzipSync(bodyOf(3 * LIMIT)), true)
    const response = await client.get<Buffer>(`${server.origin}/any`)
    expect(response.data.length).toBe(3 * LIMIT)
  })

  it('cuts a gzip bomb off at the limit while streaming', async () => {
    // 1 KiB of gzip expands to about 1 MiB of zeros; the server sends 2,000 such pieces, one
    // every 2 ms: a client that decoded everything before checking would take all of them.
    const piece = gzipSync(Buffer.alloc(1024 * 1024))
    let piecesSent = 0
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' })
      const timer = setInterval(() => {
        if (response.destroyed || piecesSent >= 2000) {
          clearInterval(timer)
          response.end()
          return
        }
        piecesSent++
        response.write(piece)
      }, 2)
      response.on('close', () => clearInterval(timer))
    })
    const error = await failureOf(get('/bomb', 2 * 1024 * 1024))
    expect(error.message).toContain('maxContentLength')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(piecesSent).toBeLessThan(100)
  })

  it('does not expand a bomb sent in one go (1 GiB of zeros in about 1 MB of gzip)', async () => {
    const member = gzipSync(Buffer.alloc(32 * 1024 * 1024))
    const bomb = Buffer.concat(Array.from({ length: 32 }, () => member))
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length })
      response.end(bomb)
    })
    const before = process.memoryUsage()
    const started = Date.now()
    const error = await failureOf(get('/big-bomb', 1024 * 1024))
    const after = process.memoryUsage()
    expect(error.message).toContain('maxContentLength')
    expect(Date.now() - started).toBeLessThan(1000)
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024)
    expect(after.rss - before.rss).toBeLessThan(256 * 1024 * 1024)
  })

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Length': 10_000_000 })
      response.write('x'.repeat(10))
    })
    const started = Date.now()
    const error = await failureOf(get('/declared', LIMIT))
    expect(error.message).toContain('maxContentLength')
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('undiciAdapter: content encodings', () => {
  it('passes a body with an unknown content-encoding through undecoded', async () => {
    const bytes = gzipSync(Buffer.from('still compressed'))
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'x-custom' })
      response.end(bytes)
    })
    const response = await get('/unknown')
    expect(response.data.equals(bytes)).toBe(true)
    expect(response.headers['content-encoding']).toBe('x-custom')
  })

  it('leaves the body alone with decompress: false', async () => {
    const bytes = gzipSync(Buffer.from('left alone'))
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': 'gzip' })
      response.end(bytes)
    })
    const response = await client.get<Buffer>(`${server.origin}/raw`, { decompress: false })
    expect(response.data.equals(bytes)).toBe(true)
    expect(server.received[0].headers['accept-encoding']).toBeUndefined()
  })

  it('reads an empty body with a content-encoding as empty (204, HEAD)', async () => {
    server.handle((request, response) => {
      response.writeHead(request.method === 'HEAD' ? 200 : 204, { 'Content-Encoding': 'gzip' })
      response.end()
    })
    expect((await client.delete<Buffer>(`${server.origin}/gone`)).data.length).toBe(0)
    expect((await client.head<Buffer>(`${server.origin}/head`)).data.length).toBe(0)
  })

  it.each([
    ['gzip', Buffer.from('this is not gzip at all, only text')],
    ['deflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00, 0x01, 0x02, 0x03])],
    ['br', Buffer.from('definitely not brotli, no no no no')],
  ])('rejects a corrupt %s body with a network-type error', async (encoding, bytes) => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Encoding': encoding })
      response.end(bytes)
    })
    const error = await failureOf(
      client.get(`${server.origin}/corrupt`, { headers: { Authorization: SECRET_HEADER } }),
    )
    expect(error.code).toBe('Z_DATA_ERROR')
    expect(error.message).toMatch(/corrupt/)
    expectNoSecrets(error)
  })
})

describe('undiciAdapter: network failures', () => {
  it('maps a reset before the response to ECONNRESET', async () => {
    server.handle((request) => request.socket.resetAndDestroy())
    const error = await failureOf(
      client.post(`${server.origin}/reset`, SECRET_BODY, {
        headers: { Authorization: SECRET_HEADER },
      }),
    )
    expect(error.code).toBe('ECONNRESET')
    expectNoSecrets(error)
  })

  it('maps a connection closed in the middle of the body to ERR_RESPONSE_CUT_SHORT', async () => {
    server.handle((request, response) => {
      response.writeHead(200, { 'Content-Length': 1000 })
      response.write('x'.repeat(100), () => setTimeout(() => request.socket.destroy(), 20))
    })
    const error = await failureOf(
      client.get(`${server.origin}/cut`, { headers: { Authorization: SECRET_HEADER } }),
    )
    expect(error.code).toBe('ERR_RESPONSE_CUT_SHORT')
    expectNoSecrets(error)
  })

  it('maps a refused connection to ECONNREFUSED', async () => {
    const gone = await startServer()
    await gone.close()
    servers.splice(servers.indexOf(gone), 1)
    const error = await failureOf(
      client.post(`${gone.origin}/refused`, SECRET_BODY, {
        headers: { Authorization: SECRET_HEADER },
      }),
    )
    expect(error.code).toBe('ECONNREFUSED')
    expect(error.message).toMatch(/refused/)
    expectNoSecrets(error)
  })

  it('refuses a body type it cannot send, before sending', async () => {
    const error = await failureOf(client.post(`${server.origin}/object`, { a: 1 }))
    expect(error.code).toBe('ERR_BAD_REQUEST')
    expect(server.received).toHaveLength(0)
  })

  it('refuses a URL it cannot parse, before sending, without quoting it', async () => {
    const error = await failureOf(client.get('http://planted-token-3f9c1e77@[::1'))
    expect(error.code).toBe('ERR_BAD_REQUEST')
    expect(error.message).not.toContain('planted-token')
    expect(server.received).toHaveLength(0)
  })

  it('rejects a config timeout with ETIMEDOUT (clarifyTimeoutError) or ECONNABORTED', async () => {
    server.handle(() => undefined)
    const plain = await failureOf(client.get(`${server.origin}/t`, { timeout: 50 }))
    expect(plain.code).toBe('ECONNABORTED')
    const clarified = await failureOf(
      client.get(`${server.origin}/t`, {
        timeout: 50,
        transitional: { clarifyTimeoutError: true },
      }),
    )
    expect(clarified.code).toBe('ETIMEDOUT')
  })
})
