import { createHash } from 'node:crypto'
import * as tls from 'node:tls'
import { readCertificates, readPemPrivateKey } from './pem'

/**
 * What one connection presents and trusts in its TLS handshakes, beyond the defaults: a client
 * certificate (mutual TLS, RFC 8705) and extra certificate authorities (a hospital's own CA).
 * Requests with a profile go through a pool of their own (tlsPools.ts): two profiles never share
 * a socket. Verification of the server is never turned off.
 */
export interface TlsProfile {
  /** SHA-256 over everything below: the key of its pool and part of the token cache's key. */
  id: string
  /** The client certificate chain (leaf first) and its private key, as PEM. */
  clientCertificate: { chain: string; key: string; leafThumbprint: string } | undefined
  /** The CAs trusted for this connection: the default roots and the extra ones, as PEM. */
  ca: string[] | undefined
}

export interface TlsSettings {
  clientCertificate?: string
  clientCertificateKey?: string
  caCertificates?: string
}

/** Which setting is at fault, and why (never quoting it). */
export interface TlsSettingProblem {
  setting: keyof TlsSettings
  problem: string
}

/**
 * The roots a connection trusts by default: Node's bundled roots, and NODE_EXTRA_CA_CERTS where
 * Node can list them (tls.getCACertificates, Node 22.15+). `ca` given to tls.connect replaces
 * the defaults, so they are listed along with the extra ones.
 */
const defaultRoots = (): readonly string[] => {
  const { getCACertificates } = tls as { getCACertificates?: (type: string) => string[] }
  return typeof getCACertificates === 'function'
    ? getCACertificates('default')
    : tls.rootCertificates
}

/**
 * The TLS profile of the settings, undefined when they set none, or the setting at fault: a
 * client certificate needs its key and the key must be the certificate's (RFC 8705 §2 — the
 * server binds the client to it); every CA must be a readable certificate.
 */
export const readTlsProfile = (
  settings: TlsSettings,
): TlsProfile | undefined | TlsSettingProblem => {
  const { clientCertificate, clientCertificateKey, caCertificates } = settings
  let client: TlsProfile['clientCertificate']
  if (clientCertificate !== undefined || clientCertificateKey !== undefined) {
    if (clientCertificate === undefined) {
      return { setting: 'clientCertificate', problem: 'is required with clientCertificateKey' }
    }
    if (clientCertificateKey === undefined) {
      return { setting: 'clientCertificateKey', problem: 'is required with clientCertificate' }
    }
    const read = readCertificates(clientCertificate)
    if ('problem' in read) return { setting: 'clientCertificate', problem: read.problem }
    const key = readPemPrivateKey(clientCertificateKey)
    if (key === undefined) {
      return { setting: 'clientCertificateKey', problem: 'could not be read as a PEM private key' }
    }
    if (!read.certificates[0].checkPrivateKey(key.key)) {
      return {
        setting: 'clientCertificateKey',
        problem: 'is not the private key of the (first) certificate in clientCertificate',
      }
    }
    client = {
      chain: read.pems.join('\n'),
      key: key.pem,
      leafThumbprint: createHash('sha256').update(read.certificates[0].raw).digest('base64url'),
    }
  }
  let extraCas: string[] | undefined
  if (caCertificates !== undefined) {
    const read = readCertificates(caCertificates)
    if ('problem' in read) return { setting: 'caCertificates', problem: read.problem }
    extraCas = read.pems
  }
  if (client === undefined && extraCas === undefined) return undefined
  const id = createHash('sha256')
    .update(JSON.stringify([client?.chain, client?.key, extraCas]))
    .digest('hex')
  const ca = extraCas === undefined ? undefined : [...defaultRoots(), ...extraCas]
  return { id, clientCertificate: client, ca }
}
