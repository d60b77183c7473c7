import axios, { type AxiosResponse } from 'axios'
import { createUndiciAdapter } from './undiciAdapter'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: URL
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  maxResponseBytes: number
}

export interface HttpResponse {
  status: number
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>
  /** The body decoded as UTF-8 ('' when empty). */
  body: string
  url: URL
}

export type HttpFailureKind = 'timeout' | 'too_large' | 'network'

/**
 * A transport failure, described by this project. It never holds the request (raw axios errors
 * carry its headers and body, so the bearer token and the client secret): only a kind, a code
 * and the URL without its query.
 */
export class HttpFailure extends Error {
  readonly kind: HttpFailureKind
  readonly code: string | undefined

  constructor(kind: HttpFailureKind, code: string | undefined, message: string) {
    super(message)
    this.name = 'HttpFailure'
    this.kind = kind
    this.code = code
  }
}

/**
 * The project's axios: requests go out through the undici adapter (a keep-alive pool, see
 * undiciAdapter.ts). Lean on purpose: no status is an error, no redirect is followed, no proxy is
 * read from the environment, the body is passed as given and comes back as a Buffer, untouched.
 */
const client = axios.create({
  adapter: createUndiciAdapter(),
  validateStatus: null,
  transformRequest: [],
  transformResponse: [],
  transitional: { silentJSONParsing: true, forcedJSONParsing: false, clarifyTimeoutError: true },
  responseType: 'arraybuffer',
  proxy: false,
  maxRedirects: 0,
})

/**
 * One HTTP exchange, no redirects followed and no status treated as an error: the callers decide.
 * The whole exchange is bounded by `timeoutMs` (an AbortSignal, so a server that drips bytes is
 * cut off too), and the body by `maxResponseBytes` (the adapter stops reading past it, counting
 * bytes after decompression).
 */
export const sendRequest = async (request: HttpRequest): Promise<HttpResponse> => {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), request.timeoutMs)
  let response: AxiosResponse<ArrayBuffer>
  try {
    response = await client.request<ArrayBuffer>({
      method: request.method,
      url: request.url.href,
      headers: request.headers,
      data: request.body,
      signal: controller.signal,
      maxContentLength: request.maxResponseBytes,
    })
  } catch (error) {
    throw toHttpFailure(error, request, controller.signal.aborted)
  } finally {
    clearTimeout(timer)
  }
  return {
    status: response.status,
    headers: plainHeaders(response.headers),
    body: Buffer.from(response.data ?? new ArrayBuffer(0)).toString('utf8'),
    url: request.url,
  }
}

/** Reads only the code of an axios error, never its config or request. */
const toHttpFailure = (error: unknown, request: HttpRequest, timedOut: boolean): HttpFailure => {
  const where = `${request.url.origin}${request.url.pathname}`
  if (timedOut) {
    return new HttpFailure(
      'timeout',
      'ETIMEDOUT',
      `No complete response from ${where} within ${request.timeoutMs / 1000} s (timeout)`,
    )
  }
  const code = errorCode(error)
  const message = error instanceof Error ? error.message : ''
  if (message.includes('maxContentLength')) {
    return new HttpFailure(
      'too_large',
      'ERR_RESPONSE_TOO_LARGE',
      `The response from ${where} was larger than ${formatBytes(request.maxResponseBytes)} and was not read`,
    )
  }
  return new HttpFailure('network', code, `Could not reach ${where} (${code ?? 'network error'})`)
}

const errorCode = (error: unknown): string | undefined => {
  if (error !== null && typeof error === 'object' && 'code' in error) {
    const code = (error as { code: unknown }).code
    if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code
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

export const formatBytes = (bytes: number): string =>
  bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(2)} MB` : `${bytes} bytes`
