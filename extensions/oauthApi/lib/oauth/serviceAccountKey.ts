import type { KeyObject } from 'node:crypto'
import { endpointUrlProblem } from '../http/transportPolicy'
import { readPrivateKey } from './clientAssertion'

/**
 * What a Google service-account key file gives a connection: the JWT bearer grant's signing key
 * and kid (private_key, private_key_id), its issuer (client_email) and the token endpoint
 * (token_uri). Google documents the assertion as RS256-signed, with iss = client_email, scope as a
 * claim and aud = token_uri ("Using OAuth 2.0 for Server to Server Applications").
 */
export interface ServiceAccountKey {
  clientEmail: string
  privateKeyId: string
  key: KeyObject
  /** The private_key member and the file's whole text, for the run's redactor. */
  privateKeyPem: string
  text: string
  tokenUri: URL
}

const REQUIRED_MEMBERS = ['private_key', 'private_key_id', 'client_email', 'token_uri'] as const

/**
 * The key file (its JSON text), or why it is not one: not JSON, a "type" other than
 * "service_account", a required member missing or empty, a private key that does not read as an
 * RSA key, or a token_uri that is not an https URL. The reason names members, never values.
 */
export const readServiceAccountKey = (text: string): ServiceAccountKey | { problem: string } => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { problem: 'is not JSON (paste the whole key file)' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problem: 'is not a JSON object (paste the whole key file)' }
  }
  const file = parsed as Record<string, unknown>
  if (file['type'] !== 'service_account') {
    return { problem: 'is not a service-account key file ("type" must be "service_account")' }
  }
  for (const member of REQUIRED_MEMBERS) {
    const value = file[member]
    if (typeof value !== 'string' || value.trim() === '') {
      return { problem: `has no "${member}" (a service-account key file has one)` }
    }
  }
  const strings = file as Record<(typeof REQUIRED_MEMBERS)[number], string>
  const read = readPrivateKey(strings.private_key, 'RS256')
  if ('problem' in read) return { problem: `has a "private_key" that ${read.problem}` }
  const tokenUriProblem = endpointUrlProblem(strings.token_uri.trim(), { allowQuery: true })
  if (tokenUriProblem !== undefined) return { problem: `has a "token_uri" that ${tokenUriProblem}` }
  return {
    clientEmail: strings.client_email.trim(),
    privateKeyId: strings.private_key_id.trim(),
    key: read.key,
    privateKeyPem: strings.private_key,
    text,
    tokenUri: new URL(strings.token_uri.trim()),
  }
}
