import { formatBytes } from './formatBytes'
import { ALLOWED_NETWORKS_ENV, type NetworkPolicyError } from './networkPolicy'

/**
 * Stable codes of the transport's failures. `TIMEOUT`: the step's deadline passed before a
 * complete response; `TOO_LARGE`: the body passed the size cap; `NETWORK`: the connection failed;
 * `TLS`: the TLS handshake failed (the server's certificate did not verify, or the server refused
 * the client's); `NETWORK_POLICY`: the host is in a network the extension may not reach (nothing
 * was sent).
 */
export const HTTP_ERROR_CODES = [
  'TIMEOUT',
  'TOO_LARGE',
  'NETWORK',
  'TLS',
  'NETWORK_POLICY',
] as const
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

/** Why a server's certificate did not verify (Node's and OpenSSL's codes, RFC 5280 §6). */
const SERVER_CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'its certificate is for another host name (name mismatch: the URL must use a name the certificate lists)',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'its certificate is self-signed and not trusted (add it, or the CA that issued it, to caCertificates)',
  SELF_SIGNED_CERT_IN_CHAIN:
    'its certificate chain ends in a certificate authority that is not trusted (unknown CA: a private CA goes in caCertificates)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'its certificate was issued by a certificate authority that is not trusted (unknown CA: a private CA goes in caCertificates)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'its certificate was issued by a certificate authority that is not trusted (unknown CA: a private CA goes in caCertificates)',
  UNABLE_TO_GET_ISSUER_CERT:
    'its certificate was issued by a certificate authority that is not trusted (unknown CA: a private CA goes in caCertificates)',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  CERT_REVOKED: 'its certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'the signature of its certificate is invalid',
  INVALID_CA: 'a certificate of its chain is not a valid certificate authority',
  CERT_CHAIN_TOO_LONG: 'its certificate chain is too long',
}

/** TLS alerts by which a server refuses the client's certificate (RFC 8446 §6.2). */
const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_(?:TLSV13_ALERT_CERTIFICATE_REQUIRED|(?:SSLV3|TLSV1)_ALERT_(?:BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE))$/

/**
 * A TLS failure of the connection to `url`, when `systemCode` is one: which host, and why — an
 * expired certificate, an unknown CA, a name mismatch, or a client certificate the server wants
 * or refuses. Undefined for other codes.
 */
export const tlsError = (url: URL, systemCode: string | undefined): HttpError | undefined => {
  if (systemCode === undefined) return undefined
  const serverProblem = SERVER_CERTIFICATE_PROBLEMS[systemCode]
  if (serverProblem !== undefined) {
    return new HttpError(
      'TLS',
      whereOf(url),
      systemCode,
      `The TLS connection to ${url.host} failed: ${serverProblem} (${systemCode}); the certificate was not accepted and nothing was sent`,
    )
  }
  if (CLIENT_CERTIFICATE_ALERT.test(systemCode)) {
    return new HttpError(
      'TLS',
      whereOf(url),
      systemCode,
      `The TLS connection to ${url.host} failed: the server requires a client certificate it accepts, and refused the one presented or found none (${systemCode}); see clientCertificate`,
    )
  }
  return undefined
}

export const tooLargeError = (url: URL, maxBytes: number): HttpError =>
  new HttpError(
    'TOO_LARGE',
    whereOf(url),
    undefined,
    `The response from ${whereOf(url)} was larger than ${formatBytes(maxBytes)} and was not read`,
  )
