// Test certificates made at run time (nothing checked in): a test CA, server certificates it
// issues for 127.0.0.1/localhost, client certificates (CA-issued or self-signed), and a
// self-signed certificate for a given key pair. @peculiar/x509 builds them on WebCrypto; it needs
// the reflect-metadata polyfill (tsyringe).

import 'reflect-metadata'
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  webcrypto,
  X509Certificate as NodeCertificate,
} from 'node:crypto'
import * as x509 from '@peculiar/x509'

type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
}
// The test CA and the certificates it issues use ECDSA P-256 keys (what public CAs issue by
// default today): making one takes well under a millisecond, an RSA-2048 one a fifth of a second.
const EC_KEYS: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }
const EC_SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }
const DAY_MS = 86_400_000

export interface IssuedCertificate {
  /** The certificate, PEM. */
  certificatePem: string
  /** Its private key, PKCS#8 PEM. */
  privateKeyPem: string
}

export interface TestCa extends IssuedCertificate {
  /** A server certificate for 127.0.0.1 and localhost (or `hosts`), issued by this CA. */
  issueServer(options?: { hosts?: string[]; expired?: boolean }): Promise<IssuedCertificate>
  /** A client certificate (extendedKeyUsage clientAuth) with this subject CN. */
  issueClient(commonName: string): Promise<IssuedCertificate>
}

const serial = (): string =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex')

const exportPkcs8 = async (key: CryptoKey): Promise<string> => {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key))
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()
}

const newKeys = (): Promise<CryptoKeyPair> =>
  webcrypto.subtle.generateKey(EC_KEYS, true, ['sign', 'verify'])

/** A test certificate authority, made afresh: its certificates verify only against it. */
export async function createTestCa(name = 'oauthApi test CA'): Promise<TestCa> {
  const keys = await newKeys()
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 30 * DAY_MS),
    signingAlgorithm: EC_SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  })
  const issue = async (
    subject: string,
    extensions: x509.Extension[],
    validity: { notBefore: Date; notAfter: Date },
  ): Promise<IssuedCertificate> => {
    const leafKeys = await newKeys()
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: caCert.subject,
      ...validity,
      signingAlgorithm: EC_SIGNING,
      publicKey: leafKeys.publicKey,
      signingKey: keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), ...extensions],
    })
    return {
      certificatePem: cert.toString('pem'),
      privateKeyPem: await exportPkcs8(leafKeys.privateKey),
    }
  }
  return {
    certificatePem: caCert.toString('pem'),
    privateKeyPem: await exportPkcs8(keys.privateKey),
    issueServer: ({ hosts = ['127.0.0.1', 'localhost'], expired = false } = {}) =>
      issue(
        `CN=${hosts[0]}`,
        [
          new x509.SubjectAlternativeNameExtension(
            hosts.map((host) =>
              /^[\d.]+$/.test(host) ? { type: 'ip', value: host } : { type: 'dns', value: host },
            ),
          ),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
        expired
          ? {
              notBefore: new Date(Date.now() - 10 * DAY_MS),
              notAfter: new Date(Date.now() - DAY_MS),
            }
          : {
              notBefore: new Date(Date.now() - DAY_MS),
              notAfter: new Date(Date.now() + 30 * DAY_MS),
            },
      ),
    issueClient: (commonName) =>
      issue(
        `CN=${commonName}`,
        [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
        { notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 30 * DAY_MS) },
      ),
  }
}

/**
 * A self-signed certificate for an existing key pair (PEM in, PEM out): what `keygen
 * --certificate` prints for Entra, and what a test registers for a signing key. RSA keys only,
 * signed RS256.
 */
export async function selfSignedCertificate(
  privateKeyPem: string,
  commonName: string,
  validDays = 365,
): Promise<string> {
  const key = createPrivateKey(privateKeyPem)
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' })
  const { subtle } = webcrypto
  const privateKey = await subtle.importKey('pkcs8', pkcs8, RSA, true, ['sign'])
  const publicDer = createPublicKey(key).export({ type: 'spki', format: 'der' })
  const publicKey = await subtle.importKey('spki', publicDer, RSA, true, ['verify'])
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + validDays * DAY_MS),
    signingAlgorithm: RSA,
    keys: { privateKey, publicKey },
  })
  return cert.toString('pem')
}

/** RFC 8705 §3.1 / RFC 7515 §4.1.8: base64url SHA-256 of a certificate's DER. */
export function certificateThumbprint(pem: string): string {
  return createHash('sha256').update(new NodeCertificate(pem).raw).digest('base64url')
}
