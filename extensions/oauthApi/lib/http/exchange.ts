import { setTimeout as sleep } from 'node:timers/promises'
import { remainingMs } from './deadline'
import { HttpError, timeoutError } from './HttpError'
import {
  backoffDelayMs,
  MAX_ATTEMPTS,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  RETRYABLE_NETWORK_CODES,
  isIdempotent,
  RETRYABLE_STATUSES,
} from './retryPolicy'
import { sendRequest, type HttpRequest, type HttpResponse } from './sendRequest'

export interface ExchangeOptions {
  /** Whether a failed attempt may be repeated (idempotent requests and token requests). */
  retryable: boolean
  /**
   * Why a redirect target may not be followed (the exchange then ends with the redirect as it
   * is), or undefined when it may.
   */
  redirectRefusal: (target: URL) => string | undefined
  /**
   * Builds the request anew before a retry, e.g. with a fresh client assertion: a server that
   * checks jti replay (RFC 7523 §3 item 7) would refuse the same assertion twice.
   */
  renewForRetry?: (request: HttpRequest) => Promise<HttpRequest>
  /**
   * Awaited before every request goes out — the first, each retry and each redirect hop — e.g. to
   * wait for a turn under a rate limit. What it throws ends the exchange.
   */
  beforeSend?: (request: HttpRequest) => Promise<void>
  /**
   * Makes the request of a redirect hop that may be followed, e.g. with a credential carried in
   * the URL placed again at the new target; by default the request as redirected.
   */
  redirectedRequest?: (request: HttpRequest) => HttpRequest
}

/**
 * Why a final response with a retryable status (429, 502, 503, 504) was not tried again:
 * `ATTEMPTS_EXHAUSTED` after MAX_ATTEMPTS, `NOT_RETRYABLE` for a request that is never repeated,
 * `RETRY_AFTER_TOO_LONG` when the server asked for a longer wait than the step allows.
 */
export type GaveUp =
  | { reason: 'ATTEMPTS_EXHAUSTED' }
  | { reason: 'NOT_RETRYABLE' }
  | { reason: 'RETRY_AFTER_TOO_LONG'; retryAfterMs: number }

/**
 * A redirect that was not followed, and why: `LOOP` — its target (with the method) was already
 * requested in this exchange; `TOO_MANY` — more than `limit` hops (MAX_REDIRECTS, or
 * MAX_BODY_REDIRECTS for a request that is never repeated and would be sent again whole);
 * `NOT_ALLOWED` — the caller refused the target, for `why`.
 */
export type RefusedRedirect =
  | { reason: 'LOOP'; target: URL }
  | { reason: 'TOO_MANY'; target: URL; limit: number }
  | { reason: 'NOT_ALLOWED'; target: URL; why: string }

export interface ExchangeResult {
  response: HttpResponse
  /** How many times the request was sent (after the last redirect). */
  attempts: number
  gaveUp: GaveUp | undefined
  /** Set when the final response is a redirect that was not followed. */
  refusedRedirect: RefusedRedirect | undefined
}

/** Redirects followed in one exchange at most. */
export const MAX_REDIRECTS = 5
/**
 * Hops that send a request that is never repeated (POST, PATCH) again with its body: a 307/308
 * says the server did not act on it, so it is sent once more to the new target, not twice.
 */
const MAX_BODY_REDIRECTS = 1
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308])

/**
 * Sends a request, repeating it on 429/502/503/504 and connection resets when allowed (honouring
 * Retry-After up to a bound), and following redirects only where `redirectRefusal` allows —
 * redirects are handled here, not by the HTTP client, because same-origin redirects would keep
 * the Authorization header anywhere under the origin (RFC 9700 §4.9.1). A loop (a target already
 * requested with the same method), more than MAX_REDIRECTS hops, or a second hop that would send
 * a POST or PATCH again ends the exchange with the redirect as it is, saying why. Every attempt,
 * wait and hop shares the request's deadline.
 */
export const exchange = async (
  request: HttpRequest,
  options: ExchangeOptions,
): Promise<ExchangeResult> => {
  let current = request
  // The requests of this exchange, made at the first redirect (most exchanges have none).
  let visited: Set<string> | undefined
  let bodyRedirects = 0
  for (let redirects = 0; ; redirects++) {
    const result = await sendWithRetries(current, options)
    const target = redirectTarget(result.response)
    if (target === undefined) return result
    visited ??= new Set([visitKey(request.method, request.url)])
    const refuse = (refusedRedirect: RefusedRedirect): ExchangeResult => ({
      ...result,
      refusedRedirect,
    })
    const next = redirected(current, result.response.status, target)
    // A request that is never repeated (POST, PATCH) and keeps its method is sent again whole.
    const resendsBody =
      !options.retryable && !isIdempotent(current.method) && next.method === current.method
    if (visited.has(visitKey(next.method, target))) return refuse({ reason: 'LOOP', target })
    if (redirects >= MAX_REDIRECTS) {
      return refuse({ reason: 'TOO_MANY', target, limit: MAX_REDIRECTS })
    }
    if (resendsBody && bodyRedirects >= MAX_BODY_REDIRECTS) {
      return refuse({ reason: 'TOO_MANY', target, limit: MAX_BODY_REDIRECTS })
    }
    const why = options.redirectRefusal(target)
    if (why !== undefined) return refuse({ reason: 'NOT_ALLOWED', target, why })
    visited.add(visitKey(next.method, target))
    if (resendsBody) bodyRedirects++
    current = options.redirectedRequest?.(next) ?? next
  }
}

/** A request is the same as an earlier one when its method and URL are (the fragment aside). */
const visitKey = (method: string, url: URL): string => `${method} ${url.href.replace(/#.*$/, '')}`

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
    if (options.beforeSend !== undefined) await options.beforeSend(request)
    let response: HttpResponse
    try {
      response = await sendRequest(request)
    } catch (error) {
      if (!(error instanceof HttpError)) throw error
      const retryableFailure =
        error.code === 'NETWORK' && RETRYABLE_NETWORK_CODES.has(error.systemCode ?? '')
      if (!retryableFailure || isLast) throw error.withAttempts(attempt)
      await wait(backoffDelayMs(attempt), request, attempt)
      continue
    }
    const done = (gaveUp: GaveUp | undefined): ExchangeResult => ({
      response,
      attempts: attempt,
      gaveUp,
      refusedRedirect: undefined,
    })
    if (!RETRYABLE_STATUSES.has(response.status)) return done(undefined)
    if (!options.retryable) return done({ reason: 'NOT_RETRYABLE' })
    if (isLast) return done({ reason: 'ATTEMPTS_EXHAUSTED' })
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'])
    if (
      retryAfterMs !== undefined &&
      retryAfterMs > Math.min(MAX_RETRY_AFTER_MS, remainingMs(request.deadline))
    ) {
      return done({ reason: 'RETRY_AFTER_TOO_LONG', retryAfterMs })
    }
    await wait(retryAfterMs ?? backoffDelayMs(attempt), request, attempt)
  }
}

/** A pause between attempts that ends with the step's deadline. */
const wait = async (ms: number, request: HttpRequest, attempts: number): Promise<void> => {
  try {
    await sleep(ms, undefined, { signal: request.deadline.signal })
  } catch {
    throw timeoutError(request.url, request.deadline.seconds, attempts)
  }
}

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
