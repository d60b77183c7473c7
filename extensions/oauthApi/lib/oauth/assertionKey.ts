import type { CertificateThumbprints } from './certificate'
import type { SigningAlgorithm } from './TokenClient'
import type { KeyObject } from 'node:crypto'

/** The key that signs JWT assertions (client assertions and JWT bearer grants), parsed once. */
export interface AssertionKey {
  key: KeyObject
  /**
   * The kid: the Private key ID setting, else the private JWK's own kid (or the service-account
   * key's private_key_id), else the key's RFC 7638 thumbprint; undefined only for a key that has
   * no JWK form (RSASSA-PSS).
   */
  keyId: string | undefined
  algorithm: SigningAlgorithm
  /** The thumbprints of the key's certificate, when one is configured (Entra). */
  certificate: CertificateThumbprints | undefined
}

/**
 * RFC 7515 §4.1: the JOSE header members of an assertion besides alg: typ "JWT" (RFC 7519 §5.1),
 * kid (§4.1.4), the certificate's x5t#S256 and x5t (§4.1.8, §4.1.7) when one is configured, and
 * jku (§4.1.2) when given.
 */
export const assertionHeader = (signer: AssertionKey, jwksUrl?: URL): Record<string, string> => ({
  typ: 'JWT',
  ...(signer.keyId !== undefined ? { kid: signer.keyId } : {}),
  ...(signer.certificate !== undefined
    ? { 'x5t#S256': signer.certificate['x5t#S256'], x5t: signer.certificate.x5t }
    : {}),
  ...(jwksUrl !== undefined ? { jku: jwksUrl.href } : {}),
})
