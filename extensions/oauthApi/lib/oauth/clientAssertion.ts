import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import type { SigningAlgorithm } from '../../settings'
import { settingError } from '../run/ActionError'

/** RFC 7523 §2.2 / SMART Backend Services: the client_assertion_type value. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/**
 * How long an assertion lives. SMART (and Epic) allow at most 5 minutes; 4 leaves room for clock
 * skew between this machine and the authorization server.
 */
export const ASSERTION_LIFETIME_SECONDS = 240

export interface AssertionInput {
  clientId: string
  /** RFC 7523 §3 item 3: the token endpoint URL identifies the authorization server. */
  tokenUrl: string
  privateKey: string
  keyId: string | undefined
  algorithm: SigningAlgorithm
}

/**
 * RFC 7523 §3: header alg, kid, typ "JWT"; claims iss = sub = client id, aud = token URL, a jti
 * that is never reused (a random UUID: 36 characters, within Epic's limit of 151), iat and exp.
 */
export const signClientAssertion = async (input: AssertionInput): Promise<string> => {
  const key = readPrivateKey(input.privateKey, input.algorithm)
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({})
    .setProtectedHeader({
      alg: input.algorithm,
      typ: 'JWT',
      ...(input.keyId !== undefined ? { kid: input.keyId } : {}),
    })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
    .sign(key)
}

/**
 * A PEM (PKCS#8, or PKCS#1/SEC1; settings are single-line, so a literal "\n" stands for a line
 * break) or a private JWK as JSON. The reason a key is refused never quotes the key.
 */
export const readPrivateKey = (text: string, algorithm: SigningAlgorithm): KeyObject => {
  let key: KeyObject
  try {
    const trimmed = text.trim()
    key = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as Record<string, string>, format: 'jwk' })
      : createPrivateKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' })
  } catch {
    throw settingError('privateKey', 'could not be read as a PEM private key or a private JWK')
  }
  const problem = keyMismatch(key, algorithm)
  if (problem !== undefined) throw settingError('privateKey', problem)
  return key
}

const keyMismatch = (key: KeyObject, algorithm: SigningAlgorithm): string | undefined => {
  if (key.type !== 'private') return 'is not a private key'
  const type = key.asymmetricKeyType
  if (algorithm.startsWith('RS') || algorithm.startsWith('PS')) {
    return type === 'rsa' || type === 'rsa-pss'
      ? undefined
      : `is not an RSA key (needed for ${algorithm})`
  }
  const curve = key.asymmetricKeyDetails?.namedCurve
  const wanted = algorithm === 'ES384' ? 'secp384r1' : 'prime256v1'
  return type === 'ec' && curve === wanted
    ? undefined
    : `is not an EC ${algorithm === 'ES384' ? 'P-384' : 'P-256'} key (needed for ${algorithm})`
}
