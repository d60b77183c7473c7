import type { ClientAuthMethod, SigningAlgorithm } from '../../settings'
import { settingError } from '../run/ActionError'
import type { Redactor } from '../run/redactor'
import { formUrlEncode } from '../http/formUrlEncode'
import { JWT_BEARER_ASSERTION_TYPE, signClientAssertion } from './clientAssertion'

export interface ClientCredentials {
  clientId: string
  method: ClientAuthMethod
  clientSecret: string | undefined
  privateKey: string | undefined
  privateKeyId: string | undefined
  signingAlgorithm: SigningAlgorithm
}

/**
 * Adds the client's credentials to a token request, by exactly one method (RFC 6749 §2.3.1:
 * "MUST NOT use more than one authentication method in each request").
 */
export const authenticateClient = async (
  client: ClientCredentials,
  tokenUrl: string,
  form: URLSearchParams,
  headers: Record<string, string>,
  redactor: Redactor,
): Promise<void> => {
  switch (client.method) {
    case 'client_secret_basic':
      headers['Authorization'] = basicCredentials(
        formUrlEncode(client.clientId),
        formUrlEncode(requireSecret(client)),
        redactor,
      )
      return
    case 'client_secret_basic_unencoded':
      // For servers that do not form-decode Basic credentials (RFC 7617 plain user-id:password).
      if (client.clientId.includes(':')) {
        throw settingError('clientId', 'cannot contain ":" with client_secret_basic_unencoded')
      }
      headers['Authorization'] = basicCredentials(client.clientId, requireSecret(client), redactor)
      return
    case 'client_secret_post':
      form.set('client_id', client.clientId)
      form.set('client_secret', requireSecret(client))
      return
    case 'private_key_jwt': {
      // RFC 7523 §2.2; SMART Backend Services sends no client_id beside the assertion.
      if (client.privateKey === undefined) throw settingError('privateKey', 'is required')
      const assertion = await signClientAssertion({
        clientId: client.clientId,
        tokenUrl,
        privateKey: client.privateKey,
        keyId: client.privateKeyId,
        algorithm: client.signingAlgorithm,
      })
      redactor.add(assertion)
      form.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE)
      form.set('client_assertion', assertion)
      return
    }
  }
}

const basicCredentials = (user: string, password: string, redactor: Redactor): string => {
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64')
  redactor.add(encoded)
  return `Basic ${encoded}`
}

const requireSecret = (client: ClientCredentials): string => {
  if (client.clientSecret === undefined || client.clientSecret === '') {
    throw settingError('clientSecret', `is required for ${client.method}`)
  }
  return client.clientSecret
}
