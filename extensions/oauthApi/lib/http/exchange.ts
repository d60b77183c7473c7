import {
  backoffDelayMs,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  sleep,
} from './retryPolicy'
import { HttpFailure, sendRequest, type HttpRequest, type HttpResponse } from './sendRequest'

export interface ExchangeOptions {
  /** Whether a failed attempt may be repeated (idempotent requests and token requests). */
  retryable: boolean
  /** Why the request is not repeated, for the error message when it is not retryable. */
  notRetryableReason?: string
  /** Which redirect targets may be followed; the others end the exchange as they are. */
  mayFollowRedirect: (target: URL) => boolean
  /**
   * Builds the request anew before a retry, e.g. with a fresh client assertion: a server that
   * checks jti replay (RFC 7523 §3 item 7) would refuse the same assertion twice.
   */
  renewForRetry?: (request: HttpRequest) => Promise<HttpRequest>
}

export interface ExchangeResult {
  response: HttpResponse
  attempts: number
  /** Said in the error when the final response is still a failure, e.g. "tried 3 times". */
  retryNote: string | undefined
  /** Set when the final response is a redirect that was not followed. */
  refusedRedirect: URL | undefined
}

const MAX_REDIRECTS = 5
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/**
 * Sends a request, repeating it on 429/502/503/504 and connection resets when allowed (honouring
 * Retry-After up to a bound), and following redirects only where `mayFollowRedirect` says so —
 * redirects are handled here, not by the HTTP client, because same-origin redirects would keep
 * the Authorization header anywhere under the origin (RFC 9700 §4.9.1).
 */
export const exchange = async (
  request: HttpRequest,
  options: ExchangeOptions,
): Promise<ExchangeResult> => {
  let current = request
  for (let redirects = 0; ; redirects++) {
    const result = await sendWithRetries(current, options)
    const target = redirectTarget(result.response)
    if (target === undefined) return result
    if (redirects >= MAX_REDIRECTS || !options.mayFollowRedirect(target)) {
      return { ...result, refusedRedirect: target }
    }
    current = redirected(current, result.response.status, target)
  }
}

const sendWithRetries = async (
  firstRequest: HttpRequest,
  options: ExchangeOptions,
): Promise<ExchangeResult> => {
  let request = firstRequest
  for (let attempt = 1; ; attempt++) {
    if (attempt > 1 && options.renewForRetry !== undefined) {
      request = await options.renewForRetry(request)
    }
    const isLast = attempt >= MAX_ATTEMPTS || !options.retryable
    let response: HttpResponse
    try {
      response = await sendRequest(request)
    } catch (error) {
      if (!(error instanceof HttpFailure)) throw error
      const retryableFailure =
        error.kind === 'network' && RETRYABLE_NETWORK_CODES.has(error.code ?? '')
      if (!retryableFailure) throw error
      if (isLast) throw withNote(error, retryNote(attempt, options))
      await sleep(backoffDelayMs(attempt))
      continue
    }
    if (!RETRYABLE_STATUSES.has(response.status)) {
      return { response, attempts: attempt, retryNote: undefined, refusedRedirect: undefined }
    }
    if (isLast) {
      return {
        response,
        attempts: attempt,
        retryNote: retryNote(attempt, options),
        refusedRedirect: undefined,
      }
    }
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'])
    if (
      retryAfterMs !== undefined &&
      retryAfterMs > Math.min(MAX_RETRY_AFTER_MS, request.timeoutMs)
    ) {
      const note = `the server asked to retry after ${Math.round(retryAfterMs / 1000)} s, longer than the extension waits`
      return { response, attempts: attempt, retryNote: note, refusedRedirect: undefined }
    }
    await sleep(retryAfterMs ?? backoffDelayMs(attempt))
  }
}

const retryNote = (attempts: number, options: ExchangeOptions): string =>
  options.retryable ? `tried ${attempts} times` : (options.notRetryableReason ?? 'not retried')

const withNote = (failure: HttpFailure, note: string): HttpFailure =>
  new HttpFailure(failure.kind, failure.code, `${failure.message}; ${note}`)

const redirectTarget = (response: HttpResponse): URL | undefined => {
  if (!REDIRECT_STATUSES.has(response.status)) return undefined
  const location = response.headers['location']
  if (location === undefined || location === '') return undefined
  try {
    return new URL(location, response.url)
  } catch {
    return undefined
  }
}

/** Fetch standard §4.4 (HTTP-redirect fetch): 303, and 301/302 after POST, become a GET. */
const redirected = (request: HttpRequest, status: number, target: URL): HttpRequest => {
  const becomesGet =
    status === 303 || ((status === 301 || status === 302) && request.method === 'POST')
  if (!becomesGet) return { ...request, url: target }
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
  )
  return { ...request, url: target, method: 'GET', headers, body: undefined }
}
