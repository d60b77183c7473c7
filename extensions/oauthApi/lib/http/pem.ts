import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto'

/** RFC 7468 §2: the textual encoding of one certificate. */
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** Settings are single-line: a literal "\n" stands for a line break (as in a JSON string). */
const withLineBreaks = (text: string): string => text.trim().replace(/\\n/g, '\n')

/**
 * The certificates of a PEM text (one or more, in order; RFC 7468 §5), each parsed, or why there
 * are none: a reason that never quotes the text.
 */
export const readCertificates = (
  text: string,
): { certificates: X509Certificate[]; pems: string[] } | { problem: string } => {
  const pems = withLineBreaks(text).match(CERTIFICATE_PEM) ?? []
  if (pems.length === 0) {
    return { problem: 'holds no PEM certificate (-----BEGIN CERTIFICATE----- …)' }
  }
  const certificates: X509Certificate[] = []
  for (const [index, pem] of pems.entries()) {
    try {
      certificates.push(new X509Certificate(pem))
    } catch {
      return { problem: `certificate ${index + 1} could not be read` }
    }
  }
  return { certificates, pems }
}

/** A PEM private key (PKCS#8, PKCS#1 or SEC1), or undefined; never quoted in any message. */
export const readPemPrivateKey = (text: string): { key: KeyObject; pem: string } | undefined => {
  const pem = withLineBreaks(text)
  try {
    return { key: createPrivateKey({ key: pem, format: 'pem' }), pem }
  } catch {
    return undefined
  }
}
