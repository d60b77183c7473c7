import { Axios, type AxiosRequestConfig, type AxiosResponse } from 'axios'
import type { Deadline } from './deadline'
import { createUndiciAdapter, ResponseTooLargeError, type HeaderList } from './undiciAdapter'
import {
  networkError,
  networkPolicyError,
  timeoutError,
  tlsError,
  tooLargeError,
  type HttpError,
} from './HttpError'
import { NetworkPolicyError, refusedHost } from './networkPolicy'
import { clientWithTls } from './tlsPools'
import type { TlsProfile } from './tlsProfile'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: URL
  headers: Record<string, string>
  /** A string goes out as UTF-8; bytes as they are (e.g. a multipart body). */
  body?: string | Uint8Array
  deadline: Deadline
  maxResponseBytes: number
  /** The connection's client certificate and extra CAs: sent through that profile's own pool. */
  tls?: TlsProfile
}

export interface HttpResponse {
  status: number
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>
  /** The body as received (after decompression): binary bodies (a PDF) need the bytes. */
  bytes: Buffer
  /** The body decoded as UTF-8 ('' when empty), decoded on first read and then kept. */
  readonly body: string
  url: URL
}

/**
 * The project's axios: requests go out through the undici adapter (a keep-alive pool, see
 * undiciAdapter.ts). Lean on purpose: an `Axios` made with nothing but the adapter, rather than
 * `axios.create`, which merges axios's global defaults (header sets per method, transitional
 * options, environment classes, transforms) into every request's config, deeply — that merge was
 * half of axios's own cost per request (measured: about 27 µs → 14 µs of CPU per request on the
 * benchmark's machine). Nothing else is needed: the adapter resolves every status (the callers
 * decide; there is no `validateStatus` to consult), never follows a redirect, reads no proxy from
 * the environment, sends the body as given and hands back the decoded bytes as a Buffer. Every
 * request names its own Accept header.
 */
const client = new Axios({ adapter: createUndiciAdapter() })

/**
 * One HTTP exchange, no redirects followed and no status treated as an error: the callers decide.
 * The exchange ends when the step's deadline does (an AbortSignal, so a server that drips bytes
 * is cut off too), and the body is bounded by `maxResponseBytes` (the adapter stops reading past it, counting bytes after decompression).
 */
export const sendRequest = async (request: HttpRequest): Promise<HttpResponse> => {
  const { signal } = request.deadline
  if (signal.aborted) throw timeoutError(request.url, request.deadline.seconds)
  // A literal address or a metadata name is refused before anything else (networkPolicy.ts).
  const refusal = refusedHost(request.url.hostname)
  if (refusal !== undefined) throw networkPolicyError(request.url, refusal)
  let response: AxiosResponse<ArrayBuffer>
  try {
    const config: AxiosRequestConfig & HeaderList = {
      method: request.method,
      url: request.url.href,
      // As name/value pairs: axios's header object would lose names such as "__proto__" and
      // "constructor" (undiciAdapter.ts sends the pairs as they are).
      headerList: Object.entries(request.headers),
      signal,
      maxContentLength: request.maxResponseBytes,
    }
    // No `data` key at all without a body: axios's pipeline works through every key given.
    if (request.body !== undefined) config.data = request.body
    const http = request.tls === undefined ? client : clientWithTls(request.tls)
    response = await http.request<ArrayBuffer>(config)
  } catch (error) {
    throw toHttpError(error, request)
  }
  return new ReceivedResponse(
    response.status,
    plainHeaders(response.headers),
    asBuffer(response.data),
    request.url,
  )
}

/** The adapter hands a Buffer already: no copy then. */
const asBuffer = (data: ArrayBuffer | Buffer | undefined): Buffer =>
  data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(data) ? data : Buffer.from(data)

/**
 * A response whose text is decoded once, when first read: a binary body is never decoded. A
 * class, not an object literal with a getter (V8 builds those slowly, about 0.6 µs each).
 */
class ReceivedResponse implements HttpResponse {
  private text: string | undefined

  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly bytes: Buffer,
    readonly url: URL,
  ) {}

  get body(): string {
    return (this.text ??= this.bytes.toString('utf8'))
  }
}

/** Reads only the code of an HTTP-client error, never its config or request. */
const toHttpError = (error: unknown, request: HttpRequest): HttpError => {
  if (error instanceof NetworkPolicyError) return networkPolicyError(request.url, error)
  if (request.deadline.signal.aborted) return timeoutError(request.url, request.deadline.seconds)
  if (error instanceof ResponseTooLargeError) {
    return tooLargeError(request.url, request.maxResponseBytes)
  }
  const code = systemCode(error)
  return tlsError(request.url, code) ?? networkError(request.url, code)
}

const systemCode = (error: unknown): string | undefined => {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = error.code
    if (typeof code === 'string' && /^[A-Z0-9_]{1,60}$/.test(code)) return code
  }
  return undefined
}

const plainHeaders = (headers: AxiosResponse['headers']): Record<string, string> => {
  const plain: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue
    plain[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return plain
}
