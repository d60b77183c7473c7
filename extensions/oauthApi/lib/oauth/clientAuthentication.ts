import { formUrlEncode } from '../http/formUrlEncode'
import type { Redactor } from '../secrets/redactor'
import { JWT_BEARER_ASSERTION_TYPE, signClientAssertion } from './clientAssertion'
import type { ClientAuth } from './TokenClient'

/**
 * Adds the client's credentials to a token request, by exactly one method (RFC 6749 §2.3.1:
 * "MUST NOT use more than one authentication method in each request").
 */
export const authenticateClient = (
  auth: ClientAuth,
  tokenUrl: URL,
  form: URLSearchParams,
  headers: Record<string, string>,
  redactor: Redactor,
): void => {
  switch (auth.method) {
    case 'client_secret_basic':
      // RFC 6749 §2.3.1: each of id and secret form-urlencoded, then joined and base64-encoded.
      headers['Authorization'] = basicCredentials(
        formUrlEncode(auth.clientId),
        formUrlEncode(auth.clientSecret),
        redactor,
      )
      return
    case 'client_secret_basic_unencoded':
      // RFC 7617 plain user-id:password, for servers that do not form-decode Basic credentials.
      headers['Authorization'] = basicCredentials(auth.clientId, auth.clientSecret, redactor)
      return
    case 'client_secret_post':
      form.set('client_id', auth.clientId)
      form.set('client_secret', auth.clientSecret)
      return
    case 'private_key_jwt': {
      // RFC 7523 §2.2; SMART Backend Services sends no client_id beside the assertion.
      const assertion = signClientAssertion(auth, tokenUrl)
      redactor.add(assertion)
      form.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE)
      form.set('client_assertion', assertion)
      // Microsoft Entra requires client_id beside a certificate credential's assertion (RFC 7521
      // §4.2 allows it): sent when the assertion carries a certificate's thumbprint.
      if (auth.certificate !== undefined) form.set('client_id', auth.clientId)
      return
    }
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
      // RFC 8705 §2: the certificate in the TLS handshake is the proof; client_id in the body.
      form.set('client_id', auth.clientId)
      return
    case 'none':
      // The JWT bearer grant's assertion is the proof (RFC 7523 §3.1).
      return
  }
}

const basicCredentials = (user: string, password: string, redactor: Redactor): string => {
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64')
  redactor.add(encoded)
  return `Basic ${encoded}`
}
