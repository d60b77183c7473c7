/**
 * RFC 7515 JWS Compact Serialization with node:crypto: signing a JWT (RFC 7519 §7.1) and reading
 * the payload of one without verifying it (§7.2). Only what the extension needs, and nothing
 * that needs an ES-module-only package (the house loads extensions with require()).
 */
import { constants, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto'

/** How each RFC 7518 §3.1 "alg" is computed: the hash and the signature scheme. */
const ALGORITHMS = {
  // RFC 7518 §3.3: RSASSA-PKCS1-v1_5.
  RS256: { hash: 'sha256', scheme: 'pkcs1' },
  RS384: { hash: 'sha384', scheme: 'pkcs1' },
  // RFC 7518 §3.5: RSASSA-PSS with MGF1 of the same hash, salt as long as the hash.
  PS256: { hash: 'sha256', scheme: 'pss' },
  PS384: { hash: 'sha384', scheme: 'pss' },
  // RFC 7518 §3.4: ECDSA, the signature as R || S (not DER).
  ES256: { hash: 'sha256', scheme: 'ecdsa', curve: 'prime256v1', curveName: 'P-256' },
  ES384: { hash: 'sha384', scheme: 'ecdsa', curve: 'secp384r1', curveName: 'P-384' },
} as const

export type JwsAlgorithm = keyof typeof ALGORITHMS

/** RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used". */
const MIN_RSA_BITS = 2048

/**
 * Why `key` cannot sign with `algorithm`, or undefined when it can: a private key of the type
 * (and curve, and size) the algorithm is defined for. The reason never quotes the key.
 */
export const keyProblem = (key: KeyObject, algorithm: JwsAlgorithm): string | undefined => {
  if (key.type !== 'private') return 'is not a private key'
  const spec = ALGORITHMS[algorithm]
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails ?? {}
  if (spec.scheme === 'ecdsa') {
    return type === 'ec' && details.namedCurve === spec.curve
      ? undefined
      : `is not an EC ${spec.curveName} key (needed for ${algorithm})`
  }
  // An RSASSA-PSS key (id-RSASSA-PSS) signs PSS only; an rsaEncryption key signs both.
  const fits = type === 'rsa' || (spec.scheme === 'pss' && type === 'rsa-pss')
  if (!fits) return `is not an RSA key (needed for ${algorithm})`
  if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
    return `is an RSA key shorter than ${MIN_RSA_BITS} bits (RFC 7518 §3.3)`
  }
  return undefined
}

/** RFC 7515 §2: BASE64URL(UTF8(JSON)) of a header or a claims set. */
const encodeSegment = (value: Readonly<Record<string, unknown>>): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')

export interface SignJwtInput {
  /** JOSE header members besides "alg" (RFC 7515 §4.1), e.g. typ, kid, jku. */
  header: Readonly<Record<string, unknown>>
  /** The JWT claims set (RFC 7519 §4). */
  claims: Readonly<Record<string, unknown>>
  key: KeyObject
  algorithm: JwsAlgorithm
}

/**
 * RFC 7515 §7.1 / RFC 7519 §7.1: a JWT in JWS Compact Serialization,
 * BASE64URL(header) "." BASE64URL(claims) "." BASE64URL(signature). The header's "alg" is always
 * `algorithm` (RFC 7515 §4.1.1). Throws a TypeError when the key does not fit the algorithm.
 */
export const signJwt = ({ header, claims, key, algorithm }: SignJwtInput): string => {
  const problem = keyProblem(key, algorithm)
  if (problem !== undefined) throw new TypeError(`The signing key ${problem}`)
  // "alg" first, as JOSE libraries write it, and never another value than `algorithm`.
  const protectedHeader: Record<string, unknown> = { alg: algorithm, ...header }
  protectedHeader.alg = algorithm
  const signingInput = `${encodeSegment(protectedHeader)}.${encodeSegment(claims)}`
  const spec = ALGORITHMS[algorithm]
  const options: SignKeyObjectInput =
    spec.scheme === 'pss'
      ? {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
        }
      : spec.scheme === 'ecdsa'
        ? { key, dsaEncoding: 'ieee-p1363' }
        : { key, padding: constants.RSA_PKCS1_PADDING }
  const signature = sign(spec.hash, Buffer.from(signingInput, 'ascii'), options)
  return `${signingInput}.${signature.toString('base64url')}`
}

/** RFC 4648 §5 without padding (RFC 7515 §2), as the compact serialization writes it. */
const BASE64URL = /^[A-Za-z0-9_-]*$/

/**
 * The claims set of a JWS-signed JWT (RFC 7519 §7.2: three segments; an encrypted JWT has five),
 * read WITHOUT verifying the signature: for deciding whether a token is worth sending and for
 * showing what it says, never for trusting it. Undefined for anything that is not a JWT whose
 * payload is a JSON object.
 */
export const decodeJwtPayload = (token: string): Record<string, unknown> | undefined => {
  const segments = token.split('.')
  if (segments.length !== 3) return undefined
  const payload = segments[1]
  if (payload === '' || !BASE64URL.test(payload)) return undefined
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  // RFC 7519 §7.2 step 10: the claims set is a JSON object.
  return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
    ? (claims as Record<string, unknown>)
    : undefined
}
