import { createHash } from 'node:crypto'
import type { AssertionKey } from './assertionKey'
import { dialectKey, type TokenDialect } from './dialect'
import type { Grant } from './grant'

const SECRET_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_basic_unencoded',
] as const
type SecretMethod = (typeof SECRET_METHODS)[number]
/** RFC 8705 §2: the client is authenticated by its certificate in the TLS handshake. */
const TLS_METHODS = ['tls_client_auth', 'self_signed_tls_client_auth'] as const
export const CLIENT_AUTH_METHODS = [...SECRET_METHODS, 'private_key_jwt', ...TLS_METHODS] as const

/**
 * RFC 7518 §3.1 algorithms SMART Backend Services and Epic accept (RS384 and ES384 first), and
 * PS256 (Microsoft Entra's certificate credentials).
 */
export const SIGNING_ALGORITHMS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS384', 'PS256'] as const
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/**
 * How the client proves who it is (RFC 6749 §2.3): one method, with what it needs, and no more;
 * `none` only for the JWT bearer grant, whose assertion is the proof (RFC 7523 §3.1: client
 * authentication is optional with it).
 */
export type ClientAuth =
  | { method: SecretMethod; clientId: string; clientSecret: string }
  | ({
      method: 'private_key_jwt'
      clientId: string
      /** Sent as the assertion's jku header (RFC 7515 §4.1.2; SMART Backend Services). */
      jwksUrl: URL | undefined
    } & AssertionKey)
  | { method: (typeof TLS_METHODS)[number]; clientId: string }
  | { method: 'none' }

/** Where tokens come from: a token URL, or an issuer whose metadata names it. */
export type TokenEndpoint = { kind: 'url'; url: URL } | { kind: 'issuer'; issuer: URL }

/**
 * Everything a token request depends on, and the connection it is for; the token cache's key is
 * made from all of it.
 */
export interface TokenClient {
  /**
   * The named connection (settings.ts) these tokens are for, with its API base URL: tokens,
   * single-flight, references, discovery and the rate limit are kept apart per connection, so
   * that a token obtained for one connection is never sent to another's API.
   */
  connection: string
  endpoint: TokenEndpoint
  /** client_credentials, or the JWT bearer grant with its assertion's claims (grant.ts). */
  grant: Grant
  auth: ClientAuth
  /** The TLS profile's id (client certificate, CAs): a certificate-bound token is its own. */
  tlsId: string | undefined
  scope: string | undefined
  audience: string | undefined
  resource: string | undefined
  extraParams: Readonly<Record<string, string>>
  /** How the token endpoint is asked and its answer read (vendor dialects). */
  dialect: TokenDialect
  /** The token cache's key (see tokenCacheKey). */
  cacheKey: string
  /** The credential's digest, for cache keys; the credential itself is never stored in a key. */
  credentialDigest: string
}

export type TokenClientParts = Omit<TokenClient, 'cacheKey' | 'credentialDigest'>

/** `credential`: the configured secrets (client secret, private key, key file, client certificate key) as one text. */
export const tokenClient = (parts: TokenClientParts, credential: string): TokenClient => {
  const credentialDigest = sha256(credential)
  return { ...parts, credentialDigest, cacheKey: tokenCacheKey(parts, credentialDigest) }
}

/** The same client asking for other scopes (a step's own scope field). */
export const withScope = (client: TokenClient, scope: string | undefined): TokenClient =>
  scope === undefined || scope === client.scope
    ? client
    : { ...client, scope, cacheKey: tokenCacheKey({ ...client, scope }, client.credentialDigest) }

/**
 * Everything that changes which token the server issues, or how its answer is read, is in the
 * key — a scope or resource left out would hand one care flow another's token (the
 * Duende.AccessTokenManagement advisory); a token path or lifetime left out would reuse a token
 * read under other rules.
 */
const tokenCacheKey = (client: TokenClientParts, credentialDigest: string): string => {
  const { auth, endpoint, grant } = client
  return sha256(
    JSON.stringify([
      client.connection,
      endpoint.kind === 'url' ? endpoint.url.href : `issuer:${endpoint.issuer.href}`,
      auth.method === 'none' ? null : auth.clientId,
      credentialDigest,
      auth.method,
      auth.method === 'private_key_jwt'
        ? [auth.keyId, auth.algorithm, auth.jwksUrl?.href, auth.certificate?.['x5t#S256']]
        : null,
      grant.type === 'jwt_bearer'
        ? [
            grant.issuer,
            grant.subject,
            grant.audience,
            grant.scopeInAssertion,
            grant.signer.keyId,
            grant.signer.algorithm,
            grant.signer.certificate?.['x5t#S256'],
          ]
        : null,
      client.tlsId,
      client.scope,
      client.audience,
      client.resource,
      Object.entries(client.extraParams).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      dialectKey(client.dialect),
    ]),
  )
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
