import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto'
import { assertionHeader } from './assertionKey'
import { keyProblem, signJwt } from './jws'
import type { ClientAuth, SigningAlgorithm } from './TokenClient'

/** RFC 7523 §2.2 / SMART Backend Services: the client_assertion_type value. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/**
 * How long an assertion lives. SMART (and Epic) allow at most 5 minutes; 4 leaves room for clock
 * skew between this machine and the authorization server.
 */
const ASSERTION_LIFETIME_SECONDS = 240

/**
 * RFC 7523 §3: header alg, kid, typ "JWT" (and jku, the client's JWK Set URL, when configured:
 * RFC 7515 §4.1.2, which SMART Backend Services lets servers use to find the key; and x5t#S256
 * and x5t, the certificate's thumbprints, when one is configured: Microsoft Entra); claims iss =
 * sub = client id, aud = token URL (§3 item 3: the token endpoint URL identifies the
 * authorization server), a jti that is never reused (a random UUID: 36 characters, within Epic's
 * limit of 151), iat and exp.
 */
export const signClientAssertion = (
  auth: Extract<ClientAuth, { method: 'private_key_jwt' }>,
  tokenUrl: URL,
): string => {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({
    header: assertionHeader(auth, auth.jwksUrl),
    claims: {
      iss: auth.clientId,
      sub: auth.clientId,
      aud: tokenUrl.href,
      jti: randomUUID(),
      iat: now,
      exp: now + ASSERTION_LIFETIME_SECONDS,
    },
    key: auth.key,
    algorithm: auth.algorithm,
  })
}

/**
 * A PEM (PKCS#8, or PKCS#1/SEC1; settings are single-line, so a literal "\n" stands for a line
 * break) or a private JWK as JSON, checked against the algorithm. Returns the key (and a JWK's own
 * kid, the id it was registered under), or why it cannot be used — a reason that never quotes
 * the key.
 */
export const readPrivateKey = (
  text: string,
  algorithm: SigningAlgorithm,
): { key: KeyObject; jwkKid: string | undefined } | { problem: string } => {
  let key: KeyObject
  let jwkKid: string | undefined
  try {
    const trimmed = text.trim()
    if (trimmed.startsWith('{')) {
      const jwk = JSON.parse(trimmed) as Record<string, string>
      key = createPrivateKey({ key: jwk, format: 'jwk' })
      jwkKid = typeof jwk.kid === 'string' && jwk.kid.trim() !== '' ? jwk.kid.trim() : undefined
    } else {
      key = createPrivateKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' })
    }
  } catch {
    return { problem: 'could not be read as a PEM private key or a private JWK' }
  }
  const problem = keyProblem(key, algorithm)
  return problem === undefined ? { key, jwkKid } : { problem }
}
