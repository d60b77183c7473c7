import { STATUS_CODES } from 'node:http'
import { pipeline, type Readable } from 'node:stream'
import * as zlib from 'node:zlib'
import axios, {
  AxiosError,
  AxiosHeaders,
  CanceledError,
  type AxiosAdapter,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios'
import { Agent, type Dispatcher } from 'undici'
import { NetworkPolicyError, policyConnector } from './networkPolicy'

/** The project's longest allowed deadline (timeoutSeconds ≤ 300); undici's own timers sit above it. */
const ABOVE_MAX_DEADLINE_MS = 310_000

/**
 * The pool's size and keep-alive: 32 sockets per origin, one request at a time on each, an idle
 * socket closed after 4 s (or the server's Keep-Alive hint, at most 60 s). The bench gives bare
 * undici's Agent the same, so that both are compared on the same pool.
 */
export const POOL_OPTIONS = {
  connections: 32,
  pipelining: 1,
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
} as const

/** The TLS options a pool may have of its own (tls.connect's ca, cert and key, as PEM). */
export interface PoolTlsOptions {
  ca?: string[]
  cert?: string
  key?: string
}

/**
 * The options of the pool for this process: bounded — at most 32 sockets per origin (requests
 * beyond that queue), an idle socket is closed after 4 s (or sooner if the server's Keep-Alive
 * says so, and never kept more than 60 s), and idle sockets do not keep the process alive (undici
 * unrefs them). Redirects are not followed (a plain Agent has no redirect interceptor), no proxy
 * is taken from the environment, and undici's connect/headers/body timers are set above the
 * project's longest deadline: the caller's AbortSignal is the deadline. Every pool — the shared
 * one, and each with TLS options of its own (tlsPools.ts: a client certificate, extra trusted
 * CAs) — is made with these, so that none goes without the network policy's connector; `tls`
 * goes to undici's connector, which hands it to tls.connect.
 */
const poolOptions = (tls: PoolTlsOptions = {}): Agent.Options => ({
  ...POOL_OPTIONS,
  headersTimeout: ABOVE_MAX_DEADLINE_MS,
  bodyTimeout: ABOVE_MAX_DEADLINE_MS,
  // The network policy checks every address connected to (networkPolicy.ts), in every pool.
  connect: policyConnector({ ...tls, timeout: ABOVE_MAX_DEADLINE_MS }),
})

/** The ONE way a pool with TLS options of its own is made (see poolOptions). */
export const createPool = (tls: PoolTlsOptions): Agent => new Agent(poolOptions(tls))

/** The one piece of transport state in the extension: a keep-alive pool shared by every request. */
const agent = new Agent(poolOptions())

/** The body passed the size cap (`maxContentLength`, counted after decompression). */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The response body is larger than ${limit} bytes`)
    this.name = 'ResponseTooLargeError'
  }
}

/** Lenient like axios's http adapter: a body cut short after a complete block is not an error. */
const ZLIB_OPTIONS: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
}
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
}
const ACCEPT_ENCODING = 'gzip, deflate, br'
/** What axios's http adapter sends. */
const USER_AGENT = `axios/${axios.VERSION}`

/**
 * Creates an axios adapter on undici (the shared pool, or `pool`) for what http/sendRequest.ts
 * asks: `config.method`, `url`
 * (absolute), `headers`, `data` (string, Buffer or Uint8Array, or nothing), `signal` and
 * `maxContentLength` (counted after decompression, enforced while streaming; past it the request
 * fails with ResponseTooLargeError). Every status resolves; `data` is always a Buffer of the
 * decoded body. Other errors carry a Node-style `code` and a message that never quotes the
 * request's headers or body.
 */
export const createUndiciAdapter =
  (pool: Dispatcher = agent): AxiosAdapter =>
  (config): Promise<AxiosResponse> =>
    send(config, pool)

const send = async (
  config: InternalAxiosRequestConfig,
  pool: Dispatcher,
): Promise<AxiosResponse<Buffer>> => {
  const signal = config.signal as AbortSignal | undefined
  try {
    if (signal?.aborted) throw new CanceledError(undefined, config, {})
    if (config.url === undefined) throw badRequest('no URL', config)
    const url = new URL(config.url)
    const method = (config.method ?? 'get').toUpperCase()
    const response = await requestUntilAborted(
      pool,
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: requestHeaders(config),
        body: requestBody(config),
        signal,
      },
      signal,
    )
    const headers = responseHeaders(response.headers)
    const decode = response.statusCode !== 204 && response.statusCode !== 304
    const encoding = decode ? knownEncoding(headers['content-encoding']) : undefined
    if (encoding !== undefined) delete headers['content-encoding']
    let data: Buffer
    try {
      data = await readBody(response.body, encoding, headers, limitOf(config))
    } catch (error) {
      throw cutShort(error, config)
    }
    return {
      status: response.statusCode,
      statusText: response.statusText || STATUS_CODES[response.statusCode] || '',
      // As AxiosHeaders already: axios would otherwise build them twice (its response transform
      // and dispatchRequest each make AxiosHeaders of a plain object).
      headers: new AxiosHeaders(headers),
      data,
      config,
      request: {},
    }
  } catch (error) {
    if (signal?.aborted) throw new CanceledError(undefined, config, {})
    throw error instanceof ResponseTooLargeError ? error : toAxiosError(error, config)
  }
}

/**
 * The pool's answer, or the signal's end, whichever comes first. The pool's own request
 * (Dispatcher.request; undici.request(url, …) would parse the URL again and copy the options),
 * in its callback form: one promise, this one. undici does not end a request on its signal while
 * the request waits for its connection (a TCP connect or TLS handshake that never completes): the
 * wait ends here with the signal, and undici drops the request when the connection is made or
 * fails.
 */
const requestUntilAborted = (
  pool: Dispatcher,
  options: Dispatcher.RequestOptions,
  signal: AbortSignal | undefined,
): Promise<Dispatcher.ResponseData> =>
  new Promise((resolve, reject) => {
    // The caller reads the signal to tell a timeout from a cancellation.
    const onAbort = (): void => reject(new Error('aborted'))
    // Removed when the request settles (not `once`: the signal aborts at most once anyway).
    signal?.addEventListener('abort', onAbort)
    pool.request(options, (error, data) => {
      signal?.removeEventListener('abort', onAbort)
      if (error === null) resolve(data)
      else reject(error)
    })
  })

/** A header value as text: axios allows strings, numbers and booleans. */
const headerText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : `${value as number | boolean}`

/**
 * Headers given as name/value pairs (config.headerList), sent as they are and before any header
 * of the same name in config.headers: an object keyed by name — axios's AxiosHeaders — cannot
 * hold every header name (it drops "__proto__" and "constructor").
 */
export interface HeaderList {
  headerList?: ReadonlyArray<readonly [string, string]>
}

/**
 * The headers in undici's flat form (name, value, name, value, …): the pairs of `headerList`,
 * then config.headers (values as given) for names not among them, with the defaults axios's
 * adapter adds.
 */
const requestHeaders = (config: InternalAxiosRequestConfig & HeaderList): string[] => {
  const given = config.headers
  const plain = (
    typeof given?.toJSON === 'function' ? given.toJSON() : { ...(given ?? {}) }
  ) as Record<string, unknown>
  const flat: string[] = []
  const names = new Set<string>()
  for (const [name, value] of config.headerList ?? []) {
    flat.push(name, value)
    names.add(name.toLowerCase())
  }
  for (const name of Object.keys(plain)) {
    const value = plain[name]
    if (value === undefined || value === null || value === false) continue
    if (names.has(name.toLowerCase())) continue
    for (const item of Array.isArray(value) ? value : [value]) flat.push(name, headerText(item))
    names.add(name.toLowerCase())
  }
  // The encodings this adapter decodes; and axios's User-Agent, as its http adapter sends.
  if (!names.has('accept-encoding')) flat.push('Accept-Encoding', ACCEPT_ENCODING)
  if (!names.has('user-agent')) flat.push('User-Agent', USER_AGENT)
  return flat
}

const requestBody = (config: InternalAxiosRequestConfig): string | Buffer | Uint8Array | null => {
  const data: unknown = config.data
  if (data === undefined || data === null) return null
  if (typeof data === 'string' || data instanceof Uint8Array) return data
  throw badRequest('the request body must be a string, a Buffer or a Uint8Array', config)
}

const limitOf = (config: InternalAxiosRequestConfig): number => {
  const limit = config.maxContentLength
  return typeof limit === 'number' && limit > -1 ? limit : Infinity
}

type Encoding = 'gzip' | 'deflate' | 'br' | 'identity'

/** A single content coding this adapter decodes; anything else is passed through undecoded. */
const knownEncoding = (header: string | string[] | undefined): Encoding | undefined => {
  if (typeof header !== 'string') return undefined
  switch (header.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return 'gzip'
    case 'deflate':
      return 'deflate'
    case 'br':
      return 'br'
    case 'identity':
      return 'identity'
    default:
      return undefined
  }
}

/**
 * Lower-case names (as undici gives them); set-cookie stays an array, other repeated headers are
 * joined with ", ". undici's object is this request's own: it is completed in place.
 */
const responseHeaders = (
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> => {
  const headers = raw as Record<string, string | string[]>
  for (const name of Object.keys(raw)) {
    const value = raw[name]
    if (value === undefined) delete headers[name]
    else if (Array.isArray(value) && name !== 'set-cookie') headers[name] = value.join(', ')
  }
  return headers
}

/**
 * Reads the body through the decoder, counting decoded bytes: past `limit` the body is destroyed
 * at once (so a decompression bomb is never expanded beyond about one zlib chunk over the limit).
 */
const readBody = async (
  body: Readable,
  encoding: Encoding | undefined,
  headers: Record<string, string | string[]>,
  limit: number,
): Promise<Buffer> => {
  if (encoding === undefined || encoding === 'identity') {
    const declared = Number(headers['content-length'])
    if (Number.isFinite(declared) && declared > limit) {
      discard(body)
      throw tooLarge(limit)
    }
  }
  // Only deflate waits (for its first byte); an undecoded body is read at once.
  const decoded = encoding === undefined ? body : await decodedStream(body, encoding)
  try {
    return await collect(decoded, limit)
  } catch (error) {
    discard(decoded)
    discard(body)
    throw error
  }
}

/**
 * The stream's bytes, failing as soon as they pass `limit`. Plain listeners rather than
 * `for await` or `stream.finished`: an async iterator costs a promise per chunk, and `finished`
 * a dozen listeners per stream, which shows in the per-call cost.
 */
const collect = (stream: Readable, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    const onData = (chunk: Buffer): void => {
      total += chunk.length
      if (total > limit) {
        stream.off('data', onData)
        stream.pause()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    stream.on('data', onData)
    // The first of these settles: the end, an error, or a close before the end. A stream ends
    // and closes once: `on`, without the wrapper `once` makes for each.
    let ended = false
    stream.on('end', () => {
      ended = true
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total))
    })
    stream.on('error', reject)
    stream.on('close', () => {
      if (!ended) reject(prematureClose())
    })
  })

/** What stream.finished reports for a stream closed before its end. */
const prematureClose = (): Error =>
  Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })

const decodedStream = async (body: Readable, encoding: Encoding | undefined): Promise<Readable> => {
  switch (encoding) {
    case 'gzip':
      return pipeline(body, zlib.createGunzip(ZLIB_OPTIONS), ignore)
    case 'br':
      return pipeline(body, zlib.createBrotliDecompress(BROTLI_OPTIONS), ignore)
    case 'deflate':
      return deflateStream(body)
    default:
      return body
  }
}

/**
 * "deflate" is meant to be zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate:
 * the first byte tells (a zlib header has compression method 8 in its low nibble).
 */
const deflateStream = async (body: Readable): Promise<Readable> => {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const first = await chunks.next()
  if (first.done === true) return body
  const firstChunk = first.value
  const inflater =
    (firstChunk[0] & 0x0f) === 0x08
      ? zlib.createInflate(ZLIB_OPTIONS)
      : zlib.createInflateRaw(ZLIB_OPTIONS)
  async function* source(): AsyncGenerator<Buffer> {
    try {
      yield firstChunk
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
        yield next.value
      }
    } finally {
      discard(body)
    }
  }
  return pipeline(source, inflater, ignore)
}

const ignore = (): void => undefined

/** Stops reading: undici closes the connection rather than reuse it. */
const discard = (stream: Readable): void => {
  if (stream.destroyed) return
  stream.on('error', ignore)
  stream.destroy()
}

const tooLarge = (limit: number): ResponseTooLargeError => new ResponseTooLargeError(limit)

/**
 * A failure while reading a body whose headers arrived: the server answered, and its answer was
 * cut short (a closed connection, a broken chunk). The size cap and corrupt compression keep
 * their own codes.
 */
const cutShort = (error: unknown, config: InternalAxiosRequestConfig): unknown => {
  const code =
    error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : ''
  if (
    error instanceof AxiosError ||
    error instanceof ResponseTooLargeError ||
    code.startsWith('Z_') ||
    code.startsWith('ERR__')
  )
    return error
  return new AxiosError(
    `${DESCRIPTIONS.ERR_RESPONSE_CUT_SHORT} (ERR_RESPONSE_CUT_SHORT)`,
    'ERR_RESPONSE_CUT_SHORT',
    config,
    {},
  )
}

const badRequest = (what: string, config: InternalAxiosRequestConfig): AxiosError =>
  new AxiosError(`Request not sent: ${what}`, AxiosError.ERR_BAD_REQUEST, config, {})

/** undici's codes (and the URL parser's), as the Node http stack would have named the same failure. */
const UNDICI_CODES: Record<string, string> = {
  UND_ERR_SOCKET: 'ECONNRESET',
  UND_ERR_CLOSED: 'ECONNRESET',
  UND_ERR_DESTROYED: 'ECONNRESET',
  // Framing the parser refuses: Content-Length against the body or Transfer-Encoding.
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'ERR_RESPONSE_MALFORMED',
  UND_ERR_CONNECT_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_BODY_TIMEOUT: 'ETIMEDOUT',
  UND_ERR_HEADERS_OVERFLOW: 'ERR_BAD_RESPONSE',
  UND_ERR_INFO: 'ERR_BAD_RESPONSE',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'ERR_BAD_RESPONSE',
  UND_ERR_INVALID_ARG: 'ERR_BAD_REQUEST',
  UND_ERR_NOT_SUPPORTED: 'ERR_BAD_REQUEST',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'ERR_BAD_REQUEST',
  // Node's URL parser (the adapter parses the URL itself): a request that cannot be sent.
  ERR_INVALID_URL: 'ERR_BAD_REQUEST',
}

const DESCRIPTIONS: Record<string, string> = {
  ECONNRESET: 'the connection was closed before a complete response',
  ECONNREFUSED: 'the connection was refused',
  ETIMEDOUT: 'timed out',
  EPIPE: 'the connection was closed while sending',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be resolved',
  Z_DATA_ERROR: 'the compressed response body is corrupt',
  Z_BUF_ERROR: 'the compressed response body is truncated',
  ERR_BAD_RESPONSE: 'the response could not be read',
  ERR_RESPONSE_CUT_SHORT: 'the response was cut short',
  ERR_RESPONSE_MALFORMED: 'the response was malformed',
  ERR_BAD_REQUEST: 'the request could not be sent',
}

/**
 * A failure as an AxiosError with a Node-style code. The message is made here from the code
 * alone: undici's and Node's messages are not quoted, so no header value or body can slip in.
 */
const toAxiosError = (
  error: unknown,
  config: InternalAxiosRequestConfig,
): AxiosError | NetworkPolicyError => {
  if (error instanceof AxiosError) return error
  // The policy's refusal goes up as it is: it names the host and the rule, and no secret.
  if (error instanceof NetworkPolicyError) return error
  const raw =
    error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : ''
  // Node names brotli decoder errors ERR__ERROR_FORMAT_… ; zlib's are Z_DATA_ERROR already.
  const mapped = raw.startsWith('ERR__')
    ? 'Z_DATA_ERROR'
    : raw.startsWith('HPE_') || (error instanceof Error && error.name === 'HTTPParserError')
      ? 'ERR_RESPONSE_MALFORMED'
      : (UNDICI_CODES[raw] ?? raw)
  const code = /^[A-Z][A-Z0-9_]{1,59}$/.test(mapped) ? mapped : AxiosError.ERR_NETWORK
  const description = DESCRIPTIONS[code] ?? 'the request failed'
  return new AxiosError(`${description} (${code})`, code, config, {})
}
