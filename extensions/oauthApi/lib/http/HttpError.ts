import { formatBytes } from './formatBytes'
import { ALLOWED_NETWORKS_ENV, type NetworkPolicyError } from './networkPolicy'

/**
 * Stable codes of the transport's failures. `TIMEOUT`: the step's deadline passed before a
 * complete response; `TOO_LARGE`: the body passed the size cap; `NETWORK`: the connection failed;
 * `NETWORK_POLICY`: the host is in a network the extension may not reach (nothing was sent).
 */
export const HTTP_ERROR_CODES = ['TIMEOUT', 'TOO_LARGE', 'NETWORK', 'NETWORK_POLICY'] as const
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number]

/**
 * A transport failure, described by this project. It never holds the request (raw HTTP-client
 * errors carry its headers and body, so the bearer token and the client secret): only a code,
 * the operating system's error code, and the URL without its query.
 */
export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    /** Where: origin and path, never the query. */
    readonly where: string,
    /** e.g. ECONNRESET, for NETWORK. */
    readonly systemCode: string | undefined,
    message: string,
    /** How many times the request was sent in all. */
    readonly attempts = 1,
  ) {
    super(message)
    this.name = 'HttpError'
  }

  withAttempts(attempts: number): HttpError {
    return new HttpError(this.code, this.where, this.systemCode, this.message, attempts)
  }
}

const whereOf = (url: URL): string => `${url.origin}${url.pathname}`

/** The step's deadline passed before a complete response from `url`. */
export const timeoutError = (url: URL, seconds: number, attempts = 1): HttpError =>
  new HttpError(
    'TIMEOUT',
    whereOf(url),
    'ETIMEDOUT',
    `No complete response from ${whereOf(url)} before the step's timeout of ${seconds} s ran out`,
    attempts,
  )

/** The server answered, but its answer was malformed or cut short (undiciAdapter.ts). */
const ANSWER_FAULTS: ReadonlySet<string> = new Set([
  'ERR_RESPONSE_CUT_SHORT',
  'ERR_RESPONSE_MALFORMED',
])

export const networkError = (url: URL, systemCode: string | undefined): HttpError =>
  new HttpError(
    'NETWORK',
    whereOf(url),
    systemCode,
    systemCode !== undefined && ANSWER_FAULTS.has(systemCode)
      ? `The answer from ${whereOf(url)} was malformed or cut short (${systemCode})`
      : `Could not reach ${whereOf(url)} (${systemCode ?? 'network error'})`,
  )

/** The network policy refused the host (networkPolicy.ts): nothing was sent. */
export const networkPolicyError = (url: URL, refusal: NetworkPolicyError): HttpError =>
  new HttpError(
    'NETWORK_POLICY',
    whereOf(url),
    undefined,
    `Not sent to ${whereOf(url)}: the host ${refusal.message}, which the extension may not reach (the server's operator can open a range with ${ALLOWED_NETWORKS_ENV})`,
  )

export const tooLargeError = (url: URL, maxBytes: number): HttpError =>
  new HttpError(
    'TOO_LARGE',
    whereOf(url),
    undefined,
    `The response from ${whereOf(url)} was larger than ${formatBytes(maxBytes)} and was not read`,
  )
