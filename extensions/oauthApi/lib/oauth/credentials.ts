import type { TlsProfile } from '../http/tlsProfile'
import { InputProblem } from '../input/objectOfParsers'
import type { AssertionKey } from './assertionKey'
import { readSigningCertificate } from './certificate'
import { readPrivateKey } from './clientAssertion'
import type { Grant, GrantType } from './grant'
import { keyProblem } from './jws'
import { assertionKeyId } from './publicJwk'
import type { ServiceAccountKey } from './serviceAccountKey'
import type { CLIENT_AUTH_METHODS, ClientAuth, SigningAlgorithm } from './TokenClient'

/** The settings that say how a connection gets its tokens, each parsed on its own. */
export interface CredentialSettings {
  clientId?: string
  clientSecret?: string
  /** Undefined when not set: its default depends on the grant. */
  clientAuthMethod?: (typeof CLIENT_AUTH_METHODS)[number]
  privateKey?: string
  privateKeyId?: string
  jwksUrl?: URL
  signingAlgorithm?: SigningAlgorithm
  certificate?: string
  grantType?: GrantType
  serviceAccountKey?: ServiceAccountKey
  assertionIssuer?: string
  assertionSubject?: string
  assertionAudience?: string
  assertionLifetimeSeconds: number
  scopeInAssertion?: boolean
}

export interface Credentials {
  grant: Grant
  auth: ClientAuth
  /** Every secret among the settings, for the run's redactor and the credential digest. */
  secrets: string[]
}

/**
 * The grant and the client authentication of a connection, with exactly what each needs: the
 * rules that span several settings, each refusal naming the setting to fix.
 *
 * - grantType: jwt_bearer when a serviceAccountKey is set, else client_credentials;
 * - clientAuthMethod: none with jwt_bearer (RFC 7523 §3.1: the assertion authenticates), else
 *   client_secret_basic;
 * - the signing key: privateKey, else the service account's private_key; its algorithm
 *   signingAlgorithm, else RS256 for a service account (Google), else RS384; its kid
 *   privateKeyId, else the JWK's kid or the service account's private_key_id, else the key's
 *   RFC 7638 thumbprint; a certificate must be the key's own;
 * - jwt_bearer's issuer: assertionIssuer, else the service account's client_email, else clientId;
 *   its subject assertionSubject, else the issuer (none for a service account: Google's sub is
 *   the user of domain-wide delegation); scope in the assertion for a service account.
 */
export const connectionCredentials = (
  settings: CredentialSettings,
  tls: TlsProfile | undefined,
): Credentials => {
  const account = settings.serviceAccountKey
  const grantType =
    settings.grantType ?? (account !== undefined ? 'jwt_bearer' : 'client_credentials')
  if (account !== undefined && grantType !== 'jwt_bearer') {
    throw new InputProblem('must be jwt_bearer (or empty) with a serviceAccountKey', 'grantType')
  }
  const secrets = [
    settings.clientSecret,
    settings.privateKey,
    account?.text,
    account?.privateKeyPem,
  ].filter((secret): secret is string => secret !== undefined)
  const method =
    settings.clientAuthMethod ?? (grantType === 'jwt_bearer' ? 'none' : 'client_secret_basic')
  const needsSigner = grantType === 'jwt_bearer' || method === 'private_key_jwt'
  if (settings.certificate !== undefined && !needsSigner) {
    throw new InputProblem(
      'is used only with a signing key (private_key_jwt or jwt_bearer)',
      'certificate',
    )
  }
  const signer = needsSigner ? signingKey(settings, grantType === 'jwt_bearer') : undefined
  const auth = clientAuth(settings, method, signer, tls)
  if (grantType === 'client_credentials' || signer === undefined) {
    return { grant: { type: 'client_credentials' }, auth, secrets }
  }
  const issuer = settings.assertionIssuer ?? account?.clientEmail ?? settings.clientId
  if (issuer === undefined) {
    throw new InputProblem(
      "is required for jwt_bearer: it is the assertion's issuer (or set assertionIssuer)",
      'clientId',
    )
  }
  return {
    grant: {
      type: 'jwt_bearer',
      signer,
      issuer,
      subject: settings.assertionSubject ?? (account !== undefined ? undefined : issuer),
      audience: settings.assertionAudience,
      lifetimeSeconds: settings.assertionLifetimeSeconds,
      scopeInAssertion: settings.scopeInAssertion ?? account !== undefined,
    },
    auth,
    secrets,
  }
}

/** The key that signs the assertions, its kid and algorithm, and its certificate's thumbprints. */
const signingKey = (settings: CredentialSettings, forGrant: boolean): AssertionKey => {
  const account = settings.serviceAccountKey
  const algorithm = settings.signingAlgorithm ?? (account !== undefined ? 'RS256' : 'RS384')
  let key: AssertionKey['key']
  let keyId: string | undefined
  if (settings.privateKey !== undefined) {
    const read = readPrivateKey(settings.privateKey, algorithm)
    if ('problem' in read) throw new InputProblem(read.problem, 'privateKey')
    key = read.key
    keyId = assertionKeyId(settings.privateKeyId, read.jwkKid, read.key)
  } else if (account !== undefined) {
    const problem = keyProblem(account.key, algorithm)
    if (problem !== undefined) {
      throw new InputProblem(
        `does not fit the service account's key, which ${problem}`,
        'signingAlgorithm',
      )
    }
    key = account.key
    keyId = settings.privateKeyId ?? account.privateKeyId
  } else {
    throw new InputProblem(
      forGrant
        ? 'is required for jwt_bearer (or set serviceAccountKey)'
        : 'is required for private_key_jwt',
      'privateKey',
    )
  }
  let certificate: AssertionKey['certificate']
  if (settings.certificate !== undefined) {
    const read = readSigningCertificate(settings.certificate, key)
    if ('problem' in read) throw new InputProblem(read.problem, 'certificate')
    certificate = read
  }
  return { key, keyId, algorithm, certificate }
}

/** The client authentication method with exactly what it needs. */
const clientAuth = (
  settings: CredentialSettings,
  method: (typeof CLIENT_AUTH_METHODS)[number] | 'none',
  signer: AssertionKey | undefined,
  tls: TlsProfile | undefined,
): ClientAuth => {
  if (method === 'none') return { method }
  const { clientId } = settings
  if (clientId === undefined) throw new InputProblem(`is required for ${method}`, 'clientId')
  if (method === 'private_key_jwt') {
    // signingKey has thrown already when there is none.
    if (signer === undefined)
      throw new InputProblem('is required for private_key_jwt', 'privateKey')
    return { method, clientId, jwksUrl: settings.jwksUrl, ...signer }
  }
  if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') {
    if (tls?.clientCertificate === undefined) {
      throw new InputProblem(`is required for ${method} (RFC 8705 §2)`, 'clientCertificate')
    }
    return { method, clientId }
  }
  if (settings.clientSecret === undefined) {
    throw new InputProblem(`is required for ${method}`, 'clientSecret')
  }
  if (method === 'client_secret_basic_unencoded' && clientId.includes(':')) {
    // RFC 7617 §2: the user-id of Basic credentials cannot contain a colon.
    throw new InputProblem('cannot contain ":" with client_secret_basic_unencoded', 'clientId')
  }
  return { method, clientId, clientSecret: settings.clientSecret }
}
