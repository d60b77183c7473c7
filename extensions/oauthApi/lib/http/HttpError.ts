import type { NetworkPolicyError } from './networkPolicy'

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

/** Why a server's certificate did not verify: Node's and OpenSSL's codes (RFC 5280 §6). */
const SERVER_CERTIFICATE_CODES = [
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'CERT_CHAIN_TOO_LONG',
] as const
export type ServerCertificateCode = (typeof SERVER_CERTIFICATE_CODES)[number]

/**
 * What a transport failure is made of, by code: where (origin and path, never the query), how
 * many times the request was sent, and what each code needs to be told — the timeout, the size
 * cap, the operating system's error code, the host and the certificate at fault, the network
 * policy's rule. No sentence: run/ words them.
 */
export type TransportFacts = {
  /** Origin and path, never the query. */
  where: string
  /** How many times the request was sent in all. */
  attempts: number
} & (
  | { code: 'TIMEOUT'; seconds: number }
  | { code: 'TOO_LARGE'; maxBytes: number }
  | {
      code: 'NETWORK'
      /** e.g. ECONNRESET; undefined when the HTTP client named none. */
      systemCode: string | undefined
      /** The server answered, but its answer was malformed or cut short (undiciAdapter.ts). */
      malformedAnswer: boolean
    }
  /** The server's certificate did not verify (`host`: host and port). */
  | { code: 'TLS'; certificate: 'server'; host: string; systemCode: ServerCertificateCode }
  /** The server refused the client's certificate, or wanted one (RFC 8446 §6.2). */
  | { code: 'TLS'; certificate: 'client'; host: string; systemCode: string }
  /** networkPolicy.ts refused the host (`address`: the one it resolved to), for `rule`. */
  | { code: 'NETWORK_POLICY'; host: string; address: string | undefined; rule: string }
)

/**
 * A transport failure, as facts. It never holds the request (raw HTTP-client errors carry its
 * headers and body, so the bearer token and the client secret): only its code, where it went
 * (the URL without its query), the operating system's error code and the like. Its message is
 * the code and where, for a stack trace; the sentence a care flow reads is run/'s.
 */
export class HttpError extends Error {
  constructor(readonly facts: TransportFacts) {
    super(`${facts.code} at ${facts.where}`)
    this.name = 'HttpError'
  }

  get code(): HttpErrorCode {
    return this.facts.code
  }

  /** The operating system's error code (NETWORK, TLS), e.g. ECONNRESET. */
  get systemCode(): string | undefined {
    return 'systemCode' in this.facts ? this.facts.systemCode : undefined
  }

  get attempts(): number {
    return this.facts.attempts
  }

  withAttempts(attempts: number): HttpError {
    return new HttpError({ ...this.facts, attempts })
  }
}

const whereOf = (url: URL): string => `${url.origin}${url.pathname}`

/** The step's deadline passed before a complete response from `url`. */
export const timeoutError = (url: URL, seconds: number, attempts = 1): HttpError =>
  new HttpError({ code: 'TIMEOUT', where: whereOf(url), attempts, seconds })

/** The server answered, but its answer was malformed or cut short (undiciAdapter.ts). */
const ANSWER_FAULTS: ReadonlySet<string> = new Set([
  'ERR_RESPONSE_CUT_SHORT',
  'ERR_RESPONSE_MALFORMED',
])

export const networkError = (url: URL, systemCode: string | undefined): HttpError =>
  new HttpError({
    code: 'NETWORK',
    where: whereOf(url),
    attempts: 1,
    systemCode,
    malformedAnswer: systemCode !== undefined && ANSWER_FAULTS.has(systemCode),
  })

/** The network policy refused the host (networkPolicy.ts): nothing was sent. */
export const networkPolicyError = (url: URL, refusal: NetworkPolicyError): HttpError =>
  new HttpError({
    code: 'NETWORK_POLICY',
    where: whereOf(url),
    attempts: 1,
    host: refusal.host,
    address: refusal.address,
    rule: refusal.rule,
  })

const isServerCertificateCode = (code: string): code is ServerCertificateCode =>
  (SERVER_CERTIFICATE_CODES as readonly string[]).includes(code)

/** TLS alerts by which a server refuses the client's certificate (RFC 8446 §6.2). */
const CLIENT_CERTIFICATE_ALERT =
  /^ERR_SSL_(?:TLSV13_ALERT_CERTIFICATE_REQUIRED|(?:SSLV3|TLSV1)_ALERT_(?:BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|HANDSHAKE_FAILURE))$/

/**
 * A TLS failure of the connection to `url`, when `systemCode` is one: the server's certificate
 * did not verify (an expired certificate, an unknown CA, a name mismatch), or the server wants or
 * refuses the client's. Undefined for other codes.
 */
export const tlsError = (url: URL, systemCode: string | undefined): HttpError | undefined => {
  if (systemCode === undefined) return undefined
  const at = { code: 'TLS', where: whereOf(url), attempts: 1, host: url.host } as const
  if (isServerCertificateCode(systemCode)) {
    return new HttpError({ ...at, certificate: 'server', systemCode })
  }
  if (CLIENT_CERTIFICATE_ALERT.test(systemCode)) {
    return new HttpError({ ...at, certificate: 'client', systemCode })
  }
  return undefined
}

export const tooLargeError = (url: URL, maxBytes: number): HttpError =>
  new HttpError({ code: 'TOO_LARGE', where: whereOf(url), attempts: 1, maxBytes })
