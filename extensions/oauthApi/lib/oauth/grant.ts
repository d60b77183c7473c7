import { randomUUID } from 'node:crypto'
import type { Redactor } from '../secrets/redactor'
import { assertionHeader, type AssertionKey } from './assertionKey'
import { signJwt } from './jws'

/** The grants a connection can use: RFC 6749 §4.4, and RFC 7523 §2.1 (the JWT bearer grant). */
export const GRANT_TYPES = ['client_credentials', 'jwt_bearer'] as const
export type GrantType = (typeof GRANT_TYPES)[number]

/** RFC 7523 §2.1: the grant_type value of the JWT bearer grant. */
const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer'

/** Google allows an assertion at most one hour (and RFC 7523 §3 item 4 a short one). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600
export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 300

/** The JWT bearer grant: who the assertion is from, about and for, and the key that signs it. */
export interface JwtBearerGrant {
  type: 'jwt_bearer'
  signer: AssertionKey
  /** RFC 7523 §3 item 1: iss (a client id, a service account's email). */
  issuer: string
  /** RFC 7523 §3 item 2: sub (the user, for Salesforce and DocuSign); undefined: no sub claim. */
  subject: string | undefined
  /** RFC 7523 §3 item 3: aud; undefined: the token endpoint's URL. */
  audience: string | undefined
  lifetimeSeconds: number
  /** Google: the scope is a claim of the assertion rather than a parameter of the request. */
  scopeInAssertion: boolean
}

export type Grant = { type: 'client_credentials' } | JwtBearerGrant

/**
 * Sets the grant's parameters on a token request: grant_type=client_credentials (RFC 6749
 * §4.4.2), or grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer with a freshly signed
 * assertion (RFC 7523 §2.1), which the redactor learns at once. Returns whether the scope was
 * put in the assertion (then it is not sent as a parameter).
 */
export const setGrantParameters = (
  grant: Grant,
  tokenUrl: URL,
  scope: string | undefined,
  form: URLSearchParams,
  redactor: Redactor,
): { scopeSent: boolean } => {
  if (grant.type === 'client_credentials') {
    form.set('grant_type', 'client_credentials')
    return { scopeSent: false }
  }
  const assertion = signGrantAssertion(grant, tokenUrl, scope)
  redactor.add(assertion)
  form.set('grant_type', JWT_BEARER_GRANT_TYPE)
  form.set('assertion', assertion)
  return { scopeSent: grant.scopeInAssertion && scope !== undefined }
}

/**
 * RFC 7523 §3: iss, sub (when set), aud (the token endpoint's URL unless configured: §3 item 3),
 * iat, exp (within MAX_ASSERTION_LIFETIME_SECONDS), a jti never reused (§3 item 7), and for
 * Google the scope as a claim ("scope": space-delimited). Google's documented claim set is
 * iss, scope, aud, exp and iat; sub only for domain-wide delegation.
 */
export const signGrantAssertion = (
  grant: JwtBearerGrant,
  tokenUrl: URL,
  scope: string | undefined,
): string => {
  const now = Math.floor(Date.now() / 1000)
  return signJwt({
    header: assertionHeader(grant.signer),
    claims: {
      iss: grant.issuer,
      ...(grant.subject !== undefined ? { sub: grant.subject } : {}),
      aud: grant.audience ?? tokenUrl.href,
      ...(grant.scopeInAssertion && scope !== undefined ? { scope } : {}),
      jti: randomUUID(),
      iat: now,
      exp: now + grant.lifetimeSeconds,
    },
    key: grant.signer.key,
    algorithm: grant.signer.algorithm,
  })
}
