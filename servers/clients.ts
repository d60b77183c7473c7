// The OAuth 2.0 clients registered at the local authorization server: fixed ids, and secrets and
// key pairs generated afresh at every start.

import { createPublicKey, generateKeyPair, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { READ_SCOPE, WRITE_SCOPE } from './protectedApi'
import { rsaPrivateKey } from './rsaKeys'

/**
 * A scope the "basic" client may ask for, which the sample API never grants: the server leaves it
 * out of the token (and says so in the response's scope, RFC 6749 §5.1).
 */
export const UNGRANTED_SCOPE = 'patient.export'

const READ_WRITE_SCOPE = `${READ_SCOPE} ${WRITE_SCOPE}`
const READ_ONLY_SCOPE = READ_SCOPE

interface SecretClient {
  clientId: string
  clientSecret: string
}

interface PrivateKeyJwtClient<Algorithm extends string> {
  clientId: string
  privateKeyPem: string
  privateKeyId: string
  signingAlgorithm: Algorithm
}

export interface LocalClients {
  basic: SecretClient
  post: SecretClient
  readOnly: SecretClient
  privateKeyJwtRs384: PrivateKeyJwtClient<'RS384'>
  privateKeyJwtEs384: PrivateKeyJwtClient<'ES384'>
}

export type ClientName = keyof LocalClients

export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth'

/** How each client authenticates at the token endpoint (RFC 7591 §2) and what it may ask for. */
export const CLIENT_REGISTRATIONS: Record<
  ClientName,
  { authMethod: ClientAuthMethod; scope: string }
> = {
  basic: { authMethod: 'client_secret_basic', scope: READ_WRITE_SCOPE },
  post: { authMethod: 'client_secret_post', scope: READ_WRITE_SCOPE },
  readOnly: { authMethod: 'client_secret_basic', scope: READ_ONLY_SCOPE },
  privateKeyJwtRs384: { authMethod: 'private_key_jwt', scope: READ_WRITE_SCOPE },
  privateKeyJwtEs384: { authMethod: 'private_key_jwt', scope: READ_WRITE_SCOPE },
}

const CLIENT_IDS: Record<ClientName, string> = {
  basic: 'oauthapi-basic',
  post: 'oauthapi-post',
  readOnly: 'oauthapi-read-only',
  privateKeyJwtRs384: 'oauthapi-private-key-jwt-rs384',
  privateKeyJwtEs384: 'oauthapi-private-key-jwt-es384',
}

/** oidc-provider client metadata (RFC 7591 §2 names). */
export interface ClientMetadata {
  client_id: string
  client_secret?: string
  token_endpoint_auth_method: ClientAuthMethod
  token_endpoint_auth_signing_alg?: string
  /** The client's public keys (private_key_jwt), given at registration… */
  jwks?: { keys: JWK[] }
  /** …or fetched from the client's JWK Set URL (RFC 7591 §2). */
  jwks_uri?: string
  scope: string
  /** RFC 8705 §2.1.2: the subject DN of a tls_client_auth client's certificate. */
  tls_client_auth_subject_dn?: string
  /** RFC 8705 §3.4: access tokens bound to the client's certificate. */
  tls_client_certificate_bound_access_tokens?: boolean
}

/**
 * A secret full of characters that RFC 6749 §2.3.1 (application/x-www-form-urlencoded before
 * Basic) and form bodies must encode: '+', '/', ':', '%', ' ' and, from base64, maybe '='.
 */
function generateClientSecret(): string {
  return `s3cr3t+/:% x${randomBytes(24).toString('base64')}`
}

interface SigningKeyPair {
  privateKeyPem: string
  privateKeyId: string
  publicJwk: JWK
}

const generateKeyPairAsync = promisify(generateKeyPair)

async function generateKeyObjects(algorithm: 'RS384' | 'ES384') {
  if (algorithm === 'ES384') return generateKeyPairAsync('ec', { namedCurve: 'P-384' })
  const privateKey = rsaPrivateKey()
  return { privateKey, publicKey: createPublicKey(privateKey) }
}

/** A key pair for private_key_jwt (RFC 7523 §2.2); the key id is the RFC 7638 thumbprint. */
async function generateSigningKeyPair(algorithm: 'RS384' | 'ES384'): Promise<SigningKeyPair> {
  const { publicKey, privateKey } = await generateKeyObjects(algorithm)
  const jwk = publicKey.export({ format: 'jwk' }) as JWK
  const privateKeyId = await calculateJwkThumbprint(jwk)
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    privateKeyId,
    publicJwk: { ...jwk, kid: privateKeyId, alg: algorithm, use: 'sig' },
  }
}

export interface GeneratedClients {
  clients: LocalClients
  /** what the authorization server registers: secrets and public keys only */
  metadata: ClientMetadata[]
}

function secretClientMetadata(name: ClientName, client: SecretClient): ClientMetadata {
  const { authMethod, scope } = CLIENT_REGISTRATIONS[name]
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    token_endpoint_auth_method: authMethod,
    // The basic client may also ask for the scope the API never grants.
    scope: name === 'basic' ? `${scope} ${UNGRANTED_SCOPE}` : scope,
  }
}

function privateKeyJwtClientMetadata(
  name: ClientName,
  clientId: string,
  keyPair: SigningKeyPair,
  algorithm: string,
): ClientMetadata {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: algorithm,
    jwks: { keys: [keyPair.publicJwk] },
    scope: CLIENT_REGISTRATIONS[name].scope,
  }
}

function secretClient(name: ClientName): SecretClient {
  return { clientId: CLIENT_IDS[name], clientSecret: generateClientSecret() }
}

function privateKeyJwtClient<Algorithm extends 'RS384' | 'ES384'>(
  name: ClientName,
  keyPair: SigningKeyPair,
  signingAlgorithm: Algorithm,
): PrivateKeyJwtClient<Algorithm> {
  const { privateKeyPem, privateKeyId } = keyPair
  return { clientId: CLIENT_IDS[name], privateKeyPem, privateKeyId, signingAlgorithm }
}

export async function generateClients(): Promise<GeneratedClients> {
  const [rs384, es384] = await Promise.all([
    generateSigningKeyPair('RS384'),
    generateSigningKeyPair('ES384'),
  ])
  const clients: LocalClients = {
    basic: secretClient('basic'),
    post: secretClient('post'),
    readOnly: secretClient('readOnly'),
    privateKeyJwtRs384: privateKeyJwtClient('privateKeyJwtRs384', rs384, 'RS384'),
    privateKeyJwtEs384: privateKeyJwtClient('privateKeyJwtEs384', es384, 'ES384'),
  }
  const metadata = [
    secretClientMetadata('basic', clients.basic),
    secretClientMetadata('post', clients.post),
    secretClientMetadata('readOnly', clients.readOnly),
    privateKeyJwtClientMetadata(
      'privateKeyJwtRs384',
      CLIENT_IDS.privateKeyJwtRs384,
      rs384,
      'RS384',
    ),
    privateKeyJwtClientMetadata(
      'privateKeyJwtEs384',
      CLIENT_IDS.privateKeyJwtEs384,
      es384,
      'ES384',
    ),
  ]
  return { clients, metadata }
}

/** The secrets that must never appear in logs or error messages. */
export function clientSecretsOf(clients: LocalClients): string[] {
  return [clients.basic, clients.post, clients.readOnly].map((client) => client.clientSecret)
}
