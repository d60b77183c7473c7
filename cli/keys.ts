import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto'
import {
  DEFAULT_CONNECTION,
  readConnections,
} from '../extensions/oauthApi/lib/input/namedConnections'
import { readPrivateKey } from '../extensions/oauthApi/lib/oauth/clientAssertion'
import {
  assertionKeyId,
  keyThumbprint,
  publicJwkSet,
  type PublicJwkSet,
} from '../extensions/oauthApi/lib/oauth/publicJwk'
import {
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from '../extensions/oauthApi/lib/oauth/TokenClient'
import { selfSignedCertificate } from '../servers/tls/certificates'
import { loadOauthApiSettings } from './loadSettings'
import type { Command } from './parseCommand'
import type { CliDependencies } from './types'
import { EXIT_ACTION_FAILED, EXIT_OK } from './types'
import { UsageError } from './usage'

/** The extension whose settings hold the private key. */
/** NIST SP 800-57 and Epic's minimum; SMART asks for RS384 or ES384. */
const RSA_MODULUS_BITS = 2048

/** A new key pair, ready to paste and to register. */
interface NewSigningKey {
  /** PKCS#8 PEM on one line, with literal \n, as the single-line Private key setting takes it. */
  privateKey: string
  kid: string
  signingAlgorithm: SigningAlgorithm
  jwks: PublicJwkSet
  /** With --certificate: a self-signed certificate of the key (PEM, one line) and its thumbprint. */
  certificate?: string
  'x5t#S256'?: string
}

const generatePrivateKey = (algorithm: SigningAlgorithm): KeyObject => {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey
    case 'RS256':
    case 'RS384':
    case 'PS384':
    case 'PS256':
      // PS384 signs with an ordinary RSA key (RFC 7518 §3.5); an RSASSA-PSS key has no JWK form.
      return generateKeyPairSync('rsa', { modulusLength: RSA_MODULUS_BITS }).privateKey
  }
}

/** Keys of these two kinds always have a JWK form; anything else is a bug of ours. */
const required = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('the key has no JWK form')
  return value
}

function newSigningKey(algorithm: SigningAlgorithm): NewSigningKey {
  const key = generatePrivateKey(algorithm)
  const kid = required(keyThumbprint(key))
  const pem = key.export({ type: 'pkcs8', format: 'pem' }).toString().trim()
  return {
    privateKey: pem.replace(/\n/g, '\\n'),
    kid,
    signingAlgorithm: algorithm,
    jwks: required(publicJwkSet(key, kid, algorithm)),
  }
}

const formatCertificate = (created: NewSigningKey): string[] =>
  created.certificate === undefined
    ? []
    : [
        'Certificate (self-signed, one year) — upload it to the app registration (Microsoft Entra:',
        'Certificates & secrets → Certificates; save it with the \\n as line breaks as a .pem file),',
        'and paste this line into the "Certificate of the private key" setting:',
        created.certificate,
        `Its thumbprint x5t#S256: ${created['x5t#S256'] ?? ''}`,
        '',
      ]

const formatNewKey = (created: NewSigningKey): string =>
  [
    'Private key — paste this line into the "Private key" setting (obfuscated). Keep it secret:',
    'never commit it, never send it to the server.',
    created.privateKey,
    '',
    `Key ID (kid): ${created.kid}`,
    '  its RFC 7638 thumbprint; with "Private key ID (kid)" left empty, the extension sends it.',
    `Signing algorithm: ${created.signingAlgorithm}  (the "Signing algorithm" setting)`,
    '',
    'Public JWK Set — register it with the authorization server, or host it at your "JWK Set URL"',
    '(npm run --silent cli -- jwks prints it again from the settings):',
    JSON.stringify(created.jwks, null, 2),
    '',
    ...formatCertificate(created),
  ].join('\n')

/** Validity of the self-signed certificate `keygen --certificate` prints. */
const CERTIFICATE_DAYS = 365

/**
 * `keygen [--alg …] [--certificate] [--json]`: a new private key, its kid and its public JWK Set
 * (and a self-signed certificate of it, with its x5t#S256 thumbprint).
 */
export async function keygenCommand(
  command: Extract<Command, { name: 'keygen' }>,
  deps: CliDependencies,
): Promise<number> {
  const created = newSigningKey(command.alg)
  if (command.certificate) {
    const pem = await selfSignedCertificate(
      created.privateKey.replace(/\\n/g, '\n'),
      `oauthApi ${created.kid.slice(0, 16)}`,
      CERTIFICATE_DAYS,
    )
    created.certificate = pem.trim().replace(/\n/g, '\\n')
    created['x5t#S256'] = createHash('sha256')
      .update(new X509Certificate(pem).raw)
      .digest('base64url')
  }
  deps.stdout(command.json ? `${JSON.stringify(created, null, 2)}\n` : formatNewKey(created))
  return EXIT_OK
}

const signingAlgorithmSetting = (value: string | undefined): SigningAlgorithm => {
  const text = value?.trim() || 'RS384'
  const known: readonly string[] = SIGNING_ALGORITHMS
  if (!known.includes(text)) {
    throw new UsageError(
      `setting 'signingAlgorithm' must be one of ${SIGNING_ALGORITHMS.join(', ')}`,
    )
  }
  return text as SigningAlgorithm
}

/**
 * The settings of one connection as text: the flat settings, or a named entry of `connections`
 * (numbers and booleans as their text). An unknown name or unreadable `connections` is a usage
 * error that names no secret.
 */
function connectionValues(
  values: Readonly<Record<string, string>>,
  connection: string | undefined,
): Partial<Record<string, string>> {
  if (connection === undefined || connection === DEFAULT_CONNECTION) return values
  const read = readConnections(values['connections'])
  if ('problem' in read) throw new UsageError(`setting 'connections' ${read.problem}`)
  const entry = read.entries.get(connection)
  if (entry === undefined) {
    const known = [DEFAULT_CONNECTION, ...read.entries.keys()].join(', ')
    throw new UsageError(`there is no connection '${connection}' (known: ${known})`)
  }
  const text: Record<string, string> = {}
  for (const [key, value] of Object.entries(entry)) {
    if (['string', 'number', 'boolean'].includes(typeof value)) text[key] = String(value)
  }
  return text
}

/**
 * `jwks`: the public JWK Set of the configured private key (settings from .env, OAUTHAPI_*
 * variables and --settings, as `run` reads them), with the kid the extension sends. Only public
 * members: the JWK is rebuilt from the public key, member by member.
 */
export async function jwksCommand(
  command: Extract<Command, { name: 'jwks' }>,
  deps: CliDependencies,
): Promise<number> {
  const settings = await loadOauthApiSettings(command.settings, deps)
  const stderr = settings.warn
  const { privateKey, privateKeyId, signingAlgorithm } = connectionValues(
    settings.values,
    command.connection,
  )
  if (privateKey === undefined || privateKey.trim() === '') {
    stderr(
      "error: the 'privateKey' setting is not set (OAUTHAPI_PRIVATEKEY, .env or --settings); `keygen` makes one\n",
    )
    return EXIT_ACTION_FAILED
  }
  const algorithm = signingAlgorithmSetting(signingAlgorithm)
  const read = readPrivateKey(privateKey, algorithm)
  if ('problem' in read) {
    stderr(`error: setting 'privateKey' ${read.problem}\n`)
    return EXIT_ACTION_FAILED
  }
  const kid = assertionKeyId(privateKeyId?.trim() || undefined, read.jwkKid, read.key)
  const jwks = kid === undefined ? undefined : publicJwkSet(read.key, kid, algorithm)
  if (jwks === undefined) {
    stderr("error: setting 'privateKey' is a key a JWK Set cannot hold (e.g. RSASSA-PSS)\n")
    return EXIT_ACTION_FAILED
  }
  deps.stdout(`${JSON.stringify(jwks, null, 2)}\n`)
  return EXIT_OK
}
