import { createHash, type KeyObject } from 'node:crypto'
import { readCertificates } from '../http/pem'

/**
 * RFC 7515 §4.1.7 and §4.1.8: the thumbprints of the signing key's X.509 certificate, base64url
 * of the SHA-1 and SHA-256 digests of its DER encoding. Microsoft Entra identifies a certificate
 * credential by them (x5t#S256 in its current documentation, x5t in older servers).
 */
export interface CertificateThumbprints {
  x5t: string
  'x5t#S256': string
}

/**
 * The thumbprints of the certificate (PEM, the first one if several) of `key`, or why it cannot
 * be used: unreadable, or not the certificate of that key — a server would look up the wrong
 * public key and refuse every assertion. The reason never quotes the certificate.
 */
export const readSigningCertificate = (
  text: string,
  key: KeyObject,
): CertificateThumbprints | { problem: string } => {
  const read = readCertificates(text)
  if ('problem' in read) return read
  const [certificate] = read.certificates
  if (!certificate.checkPrivateKey(key)) {
    return { problem: 'is not the certificate of the private key (their public keys differ)' }
  }
  return {
    x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
    'x5t#S256': createHash('sha256').update(certificate.raw).digest('base64url'),
  }
}
