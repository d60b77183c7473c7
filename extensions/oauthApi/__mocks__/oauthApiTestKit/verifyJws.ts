/**
 * Verifies a JWS compact serialization with node:crypto, from the RFCs rather than from the
 * extension's signer (lib/oauth/jws.ts): the tests inside the folder check signatures with it;
 * the suites under the top-level test/ also check them with jose, and the e2e suites with
 * oidc-provider.
 */
import { constants, verify, type KeyObject } from 'node:crypto'

/** RFC 7518 §3.1: the hash of each algorithm; §3.5: a PSS salt as long as the hash. */
const SPEC: Record<string, { hash: string; bytes: number }> = {
  RS256: { hash: 'sha256', bytes: 32 },
  RS384: { hash: 'sha384', bytes: 48 },
  PS256: { hash: 'sha256', bytes: 32 },
  PS384: { hash: 'sha384', bytes: 48 },
  ES256: { hash: 'sha256', bytes: 32 },
  ES384: { hash: 'sha384', bytes: 48 },
}

const segmentJson = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>

/**
 * The header and claims of `token` when its signature verifies with `publicKey` under
 * `algorithm` (and its header says that algorithm); throws otherwise.
 */
export const verifiedJws = (
  token: string,
  publicKey: KeyObject,
  algorithm: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } => {
  const segments = token.split('.')
  if (segments.length !== 3) throw new Error('not a JWS compact serialization')
  const [header, payload, signature] = segments
  const spec = SPEC[algorithm]
  if (spec === undefined) throw new Error(`unknown algorithm ${algorithm}`)
  const decodedHeader = segmentJson(header)
  if (decodedHeader.alg !== algorithm) throw new Error(`alg is ${String(decodedHeader.alg)}`)
  const signatureBytes = Buffer.from(signature, 'base64url')
  // RFC 7518 §3.4: R || S, each as long as the curve's order.
  if (algorithm.startsWith('ES') && signatureBytes.length !== (algorithm === 'ES256' ? 64 : 96)) {
    throw new Error('ECDSA signature of the wrong length')
  }
  const key = algorithm.startsWith('PS')
    ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.bytes }
    : algorithm.startsWith('ES')
      ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const }
      : { key: publicKey, padding: constants.RSA_PKCS1_PADDING }
  const signed = Buffer.from(`${header}.${payload}`, 'ascii')
  if (!verify(spec.hash, signed, key, signatureBytes)) throw new Error('signature does not verify')
  return { header: decodedHeader, payload: segmentJson(payload) }
}
