import { decodeJwt } from 'jose'

/**
 * The claims worth showing of an access token that is a JWT (RFC 9068 §2.2; `scp` as Azure AD and
 * Okta name the scope): who issued it, for whom, for which API, when, with which scope. Never the
 * token, its header or its signature.
 */
const SHOWN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'scope', 'scp', 'client_id'] as const

export type TokenShape =
  | { format: 'jwt'; claims: Partial<Record<(typeof SHOWN_CLAIMS)[number], unknown>> }
  | { format: 'opaque' }

/**
 * A token's format, and for a JWS-signed JWT (three segments; RFC 7519 §7.2) its claims read
 * without verification: the resource server verifies, this only shows what the token says.
 * Anything else, encrypted JWTs included, is opaque.
 */
export const readTokenShape = (token: string): TokenShape => {
  if (token.split('.').length !== 3) return { format: 'opaque' }
  let payload: Record<string, unknown>
  try {
    payload = decodeJwt(token)
  } catch {
    return { format: 'opaque' }
  }
  const claims: Partial<Record<(typeof SHOWN_CLAIMS)[number], unknown>> = {}
  for (const claim of SHOWN_CLAIMS) {
    if (payload[claim] !== undefined) claims[claim] = payload[claim]
  }
  return { format: 'jwt', claims }
}
