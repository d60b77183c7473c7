/**
 * A test CA and the certificates it issues, made at run time with the `openssl` command (OpenSSL
 * 1.1.1+ or LibreSSL 3+, present on CI images and developer machines): no dependency, and real
 * X.509 as servers and clients meet it. EC P-256 keys, valid for a day. For https test servers
 * (`usage: 'server'`) and mTLS client certificates (`usage: 'client'`).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCa {
  /** PEM certificate: what a client trusts (`ca`). */
  cert: string
  /** PEM private key (PKCS#8). */
  key: string
}

export interface IssuedCertificate {
  cert: string
  key: string
}

const openssl = (args: string[], cwd: string): void => {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' })
}

const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']

/** Runs `work` in a fresh temporary directory, removed afterwards. */
const inTempDir = <T>(work: (dir: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthapi-certs-'))
  try {
    return work(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export const makeTestCa = (commonName = 'oauthApi test CA'): TestCa =>
  inTempDir((dir) => {
    openssl(
      [
        'req',
        '-x509',
        ...NEW_EC_KEY,
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    )
    return {
      cert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
      key: readFileSync(join(dir, 'ca.key'), 'utf8'),
    }
  })

/**
 * A certificate signed by `ca`: for a server, its names (`DNS:localhost`, `IP:127.0.0.1`, …) in
 * subjectAltName; for a client, its common name identifies it.
 */
export const issueCertificate = (
  ca: TestCa,
  options: { commonName: string; altNames?: string[]; usage: 'server' | 'client' },
): IssuedCertificate =>
  inTempDir((dir) => {
    writeFileSync(join(dir, 'ca.pem'), ca.cert)
    writeFileSync(join(dir, 'ca.key'), ca.key)
    const extensions = [
      'basicConstraints=CA:FALSE',
      `extendedKeyUsage=${options.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
      ...(options.altNames !== undefined && options.altNames.length > 0
        ? [`subjectAltName=${options.altNames.join(',')}`]
        : []),
    ]
    writeFileSync(join(dir, 'ext.cnf'), `${extensions.join('\n')}\n`)
    openssl(
      [
        'req',
        '-new',
        ...NEW_EC_KEY,
        '-keyout',
        'leaf.key',
        '-out',
        'leaf.csr',
        '-subj',
        `/CN=${options.commonName}`,
      ],
      dir,
    )
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'leaf.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'leaf.pem',
        '-days',
        '1',
        '-extfile',
        'ext.cnf',
      ],
      dir,
    )
    return {
      cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
      key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
    }
  })
