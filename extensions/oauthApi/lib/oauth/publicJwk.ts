import { createHash, createPublicKey, type KeyObject } from 'node:crypto'
import type { SigningAlgorithm } from './TokenClient'

/**
 * RFC 7638 §3.2: the members a thumbprint is made of, per key type. They are all public members,
 * and they are all a public JWK needs: nothing else of an exported key is ever kept.
 */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
}

/** A public JWK: the required public members of RFC 7638 §3.2, in lexicographic order. */
export type PublicJwk = Readonly<Record<string, string>>

/** RFC 7517 §5 with RFC 7517 §4.2 `use` and §4.4 `alg`: the set a server registers or fetches. */
export interface PublicJwkSet {
  keys: Array<PublicJwk & { kid: string; alg: SigningAlgorithm; use: 'sig' }>
}

/**
 * The public JWK of a key (private or public), built member by member from the public part only,
 * so that d, p, q, dp, dq and qi cannot appear in it. Undefined for key types a JWK cannot hold
 * (Node exports no JWK for RSASSA-PSS keys).
 */
export const publicJwkOf = (key: KeyObject): PublicJwk | undefined => {
  let exported: Record<string, unknown>
  try {
    exported = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' })
  } catch {
    return undefined
  }
  const members = PUBLIC_MEMBERS[String(exported.kty)]
  if (members === undefined) return undefined
  const jwk: Record<string, string> = {}
  for (const member of members) {
    const value = exported[member]
    if (typeof value !== 'string') return undefined
    jwk[member] = value
  }
  return jwk
}

/**
 * RFC 7638 §3: the SHA-256 JWK thumbprint, base64url — the required members in lexicographic
 * order, as JSON without whitespace, hashed (publicJwk.test.ts checks the RFC's example; the
 * top-level test/jose suite holds it equal to jose's calculateJwkThumbprint).
 */
export const jwkThumbprint = (jwk: PublicJwk): string =>
  createHash('sha256').update(JSON.stringify(jwk)).digest('base64url')

/** The thumbprint of a key, or undefined when it has no JWK form. */
export const keyThumbprint = (key: KeyObject): string | undefined => {
  const jwk = publicJwkOf(key)
  return jwk === undefined ? undefined : jwkThumbprint(jwk)
}

/**
 * The kid of the client assertion, chosen so that it matches the registered key by construction:
 * the Private key ID setting when given, else a private JWK's own kid (the id it was registered
 * under), else the RFC 7638 thumbprint — what `npm run cli -- keygen` and `jwks` print.
 */
export const assertionKeyId = (
  configured: string | undefined,
  jwkKid: string | undefined,
  key: KeyObject,
): string | undefined => configured ?? jwkKid ?? keyThumbprint(key)

/**
 * The JWK Set to register with the authorization server (Epic, SMART: "JWK Set" or "JWK Set
 * URL") for a private key: its public members, its kid and alg, and use "sig".
 */
export const publicJwkSet = (
  key: KeyObject,
  kid: string,
  alg: SigningAlgorithm,
): PublicJwkSet | undefined => {
  const jwk = publicJwkOf(key)
  return jwk === undefined ? undefined : { keys: [{ ...jwk, kid, alg, use: 'sig' }] }
}
