import axios, { type AxiosResponse } from 'axios'
import type { Deadline } from './deadline'
import { networkError, timeoutError, tooLargeError, type HttpError } from './HttpError'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: URL
  headers: Record<string, string>
  body?: string
  deadline: Deadline
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

/**
 * One HTTP exchange, no redirects followed and no status treated as an error: the callers decide.
 * The exchange ends when the step's deadline does (an AbortSignal, so a server that drips bytes
 * is cut off too), and the body is bounded by `maxResponseBytes` (axios stops reading past it).
 */
export const sendRequest = async (request: HttpRequest): Promise<HttpResponse> => {
  const { signal } = request.deadline
  if (signal.aborted) throw timeoutError(request.url, request.deadline.seconds)
  let response: AxiosResponse<ArrayBuffer>
  try {
    response = await axios.request<ArrayBuffer>({
      method: request.method,
      url: request.url.href,
      headers: request.headers,
      data: request.body,
      signal,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      maxContentLength: request.maxResponseBytes,
      proxy: false,
    })
  } catch (error) {
    throw toHttpError(error, request)
  }
  return {
    status: response.status,
    headers: plainHeaders(response.headers),
    body: Buffer.from(response.data ?? new ArrayBuffer(0)).toString('utf8'),
    url: request.url,
  }
}

/** Reads only the code of an HTTP-client error, never its config or request. */
const toHttpError = (error: unknown, request: HttpRequest): HttpError => {
  if (request.deadline.signal.aborted) return timeoutError(request.url, request.deadline.seconds)
  const message = error instanceof Error ? error.message : ''
  if (message.includes('maxContentLength'))
    return tooLargeError(request.url, request.maxResponseBytes)
  return networkError(request.url, systemCode(error))
}

const systemCode = (error: unknown): string | undefined => {
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
