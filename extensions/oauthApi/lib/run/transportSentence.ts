import type { ServerCertificateCode, TransportFacts } from '../http/HttpError'
import { formatBytes } from '../http/formatBytes'
import { ALLOWED_NETWORKS_ENV } from '../http/networkPolicy'
import { RETRYABLE_NETWORK_CODES } from '../http/retryPolicy'
import type { TransportFailureFacts } from '../step/failureFacts'
import { failedRequestText, notRepeatedText } from './requestWording'

/** Why a server's certificate did not verify, by Node's and OpenSSL's codes (RFC 5280 §6). */
const SERVER_CERTIFICATE_PROBLEMS: Readonly<Record<ServerCertificateCode, string>> = {
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

/**
 * A transport failure (http/HttpError.ts) in a care-flow operator's words: where, and what went
 * wrong — the timeout, the size cap, the operating system's error code, the certificate at fault
 * and what to set, or the network the host is in.
 */
export const transportSentence = (facts: TransportFacts): string => {
  const { where } = facts
  switch (facts.code) {
    case 'TIMEOUT':
      return `No complete response from ${where} before the step's timeout of ${facts.seconds} s ran out`
    case 'TOO_LARGE':
      return `The response from ${where} was larger than ${formatBytes(facts.maxBytes)} and was not read`
    case 'NETWORK':
      return facts.malformedAnswer
        ? `The answer from ${where} was malformed or cut short (${facts.systemCode ?? 'network error'})`
        : `Could not reach ${where} (${facts.systemCode ?? 'network error'})`
    case 'NETWORK_POLICY': {
      const { host, address } = facts
      const named = address === undefined || address === host ? host : `${host} (${address})`
      return `Not sent to ${where}: the host ${named} is ${facts.rule}, which the extension may not reach (the server's operator can open a range with ${ALLOWED_NETWORKS_ENV})`
    }
    case 'TLS':
      return facts.certificate === 'server'
        ? `The TLS connection to ${facts.host} failed: ${SERVER_CERTIFICATE_PROBLEMS[facts.systemCode]} (${facts.systemCode}); the certificate was not accepted and nothing was sent`
        : `The TLS connection to ${facts.host} failed: the server requires a client certificate it accepts, and refused the one presented or found none (${facts.systemCode}); see clientCertificate`
  }
}

/**
 * "GET /fhir/Patient failed: Could not reach https://… (ECONNRESET); tried 3 times": a transport
 * failure of the token request, discovery or an API request. A connection failure that is retried
 * (a reset, a refused connection) says how often it was tried, or why it was not.
 */
export const transportFailureSentence = (facts: TransportFailureFacts): string => {
  const { request, transport, notRepeated } = facts
  const repeatable =
    transport.code === 'NETWORK' && RETRYABLE_NETWORK_CODES.has(transport.systemCode ?? '')
  const note = !repeatable
    ? ''
    : transport.attempts > 1
      ? `; tried ${transport.attempts} times`
      : notRepeated !== undefined && typeof request !== 'string'
        ? `; ${notRepeatedText(notRepeated, request.method)}`
        : ''
  return `${failedRequestText(request)} failed: ${transportSentence(transport)}${note}`
}
