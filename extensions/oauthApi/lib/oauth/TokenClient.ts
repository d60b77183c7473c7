import { createHash, type KeyObject } from 'node:crypto'
import { dialectKey, type TokenDialect } from './dialect'

const SECRET_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_basic_unencoded',
] as const
type SecretMethod = (typeof SECRET_METHODS)[number]
export const CLIENT_AUTH_METHODS = [...SECRET_METHODS, 'private_key_jwt'] as const

/** RFC 7518 §3.1 algorithms SMART Backend Services and Epic accept (RS384 and ES384 first). */
export const SIGNING_ALGORITHMS = ['RS384', 'ES384', 'RS256', 'ES256', 'PS384'] as const
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number]

/** How the client proves who it is (RFC 6749 §2.3): one method, with what it needs, and no more. */
export type ClientAuth =
  | { method: SecretMethod; clientId: string; clientSecret: string }
  | {
      method: 'private_key_jwt'
      clientId: string
      /** Parsed once, when the settings were. */
      key: KeyObject
      /**
       * The assertion's kid: the Private key ID setting, else the private JWK's own kid, else the
       * key's RFC 7638 thumbprint; undefined only for a key that has no JWK form (RSASSA-PSS).
       */
      keyId: string | undefined
      algorithm: SigningAlgorithm
      /** Sent as the assertion's jku header (RFC 7515 §4.1.2; SMART Backend Services). */
      jwksUrl: URL | undefined
    }

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
  auth: ClientAuth
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

/** `credential`: the client secret, or the private key's text, as configured. */
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
  const { auth, endpoint } = client
  return sha256(
    JSON.stringify([
      client.connection,
      endpoint.kind === 'url' ? endpoint.url.href : `issuer:${endpoint.issuer.href}`,
      auth.clientId,
      credentialDigest,
      auth.method,
      auth.method === 'private_key_jwt' ? [auth.keyId, auth.algorithm, auth.jwksUrl?.href] : null,
      client.scope,
      client.audience,
      client.resource,
      Object.entries(client.extraParams).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      dialectKey(client.dialect),
    ]),
  )
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
