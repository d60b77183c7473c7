import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { calculateJwkThumbprint } from 'jose'
import { extensions } from '../../extensions'
import { parseSettings } from '../../extensions/oauthApi/settings'
import { makeTempDir, parseJson, runCliForTest } from './runCliForTest'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

interface NewKey {
  privateKey: string
  kid: string
  signingAlgorithm: string
  jwks: { keys: Array<Record<string, string>> }
}

const runReal = (argv: string[], overrides: Parameters<typeof runCliForTest>[1] = {}) =>
  runCliForTest(argv, { registry: extensions, ...overrides })

const keygen = async (alg: string): Promise<NewKey> => {
  const { code, stdout, stderr } = await runReal(['keygen', '--alg', alg, '--json'])
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
  return parseJson<NewKey>(stdout)
}

/** Every member name anywhere in a JSON text. */
const memberNames = (json: string): string[] => [...json.matchAll(/"([^"]+)":/g)].map((m) => m[1])

describe('cli keygen', () => {
  it.each([
    ['RS384', 'rsa'],
    ['ES384', 'ec'],
    ['RS256', 'rsa'],
    ['ES256', 'ec'],
    ['PS384', 'rsa'],
  ])(
    '%s: a single-line private key, its thumbprint kid, and a public JWK Set',
    async (alg, type) => {
      const created = await keygen(alg)
      expect(created.privateKey).not.toContain('\n')
      expect(created.privateKey).toMatch(
        /^-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----$/,
      )
      const key = createPrivateKey(created.privateKey.replace(/\\n/g, '\n'))
      expect(key.asymmetricKeyType).toBe(type)
      if (type === 'rsa') {
        expect(key.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048)
      }
      const publicJwk = createPublicKey(key).export({ format: 'jwk' })
      expect(created.kid).toBe(await calculateJwkThumbprint(publicJwk))
      expect(created.signingAlgorithm).toBe(alg)
      expect(created.jwks).toEqual({
        keys: [{ ...publicJwk, kid: created.kid, alg, use: 'sig' }],
      })
      expect(
        memberNames(JSON.stringify(created.jwks)).filter((m) => PRIVATE_MEMBERS.includes(m)),
      ).toEqual([])
    },
  )

  it('prints the private key once, in its labelled place, and nothing private elsewhere', async () => {
    const { code, stdout } = await runReal(['keygen'])
    expect(code).toBe(0)
    const lines = stdout.split('\n')
    const keyLine = lines.findIndex((line) => line.startsWith('-----BEGIN PRIVATE KEY-----'))
    expect(lines[keyLine - 2]).toMatch(
      /^Private key — paste this line into the "Private key" setting/,
    )
    expect(lines.filter((line) => line.includes('PRIVATE KEY'))).toHaveLength(1)
    const jwks = stdout.slice(stdout.indexOf('{'))
    const parsed = parseJson<NewKey['jwks']>(jwks)
    expect(parsed.keys[0]).toMatchObject({ alg: 'RS384', use: 'sig', kty: 'RSA' })
    expect(memberNames(jwks).filter((m) => PRIVATE_MEMBERS.includes(m))).toEqual([])
    expect(stdout).toContain(`Key ID (kid): ${parsed.keys[0].kid}`)
  })

  it('refuses an algorithm the settings do not take', async () => {
    const { code, stderr } = await runReal(['keygen', '--alg', 'HS256'])
    expect(code).toBe(2)
    expect(stderr).toContain('--alg must be one of RS384, ES384, RS256, ES256, PS384, PS256')
  })

  it('prints a self-signed certificate of the new key with --certificate (Entra)', async () => {
    const { code, stdout, stderr } = await runReal([
      'keygen',
      '--alg',
      'PS256',
      '--certificate',
      '--json',
    ])
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    const created = parseJson<NewKey & { certificate: string; 'x5t#S256': string }>(stdout)
    expect(created.certificate).not.toContain('\n')
    const certificate = new X509Certificate(created.certificate.replace(/\\n/g, '\n'))
    const key = createPrivateKey(created.privateKey.replace(/\\n/g, '\n'))
    expect(certificate.checkPrivateKey(key)).toBe(true)
    expect(created['x5t#S256']).toBe(
      createHash('sha256').update(certificate.raw).digest('base64url'),
    )
    // Pasted as printed, the settings take both (the certificate must be the key's own).
    const parsed = parseSettings({
      tokenUrl: 'https://login.example.com/token',
      clientId: 'app',
      clientAuthMethod: 'private_key_jwt',
      privateKey: created.privateKey,
      signingAlgorithm: 'PS256',
      certificate: created.certificate,
      apiBaseUrl: 'https://fhir.example.com',
    })
    expect(parsed.client.auth).toMatchObject({
      certificate: { 'x5t#S256': created['x5t#S256'] },
    })
  })

  it('refuses --certificate for an EC algorithm', async () => {
    const { code, stderr } = await runReal(['keygen', '--alg', 'ES384', '--certificate'])
    expect(code).toBe(2)
    expect(stderr).toContain('--certificate needs an RSA algorithm')
  })
})

describe('cli jwks', () => {
  it('prints the JWK Set keygen printed, from --settings, the environment or .env', async () => {
    const created = await keygen('ES384')
    const settings = { privateKey: created.privateKey, signingAlgorithm: 'ES384' }
    const fromFlag = await runReal(['jwks', '--settings', JSON.stringify(settings)])
    const fromEnv = await runReal(['jwks'], {
      env: { OAUTHAPI_PRIVATEKEY: created.privateKey, OAUTHAPI_SIGNINGALGORITHM: 'ES384' },
    })
    const cwd = makeTempDir()
    writeFileSync(
      join(cwd, '.env'),
      `OAUTHAPI_PRIVATEKEY="${created.privateKey}"\nOAUTHAPI_SIGNINGALGORITHM=ES384\n`,
    )
    const fromDotEnv = await runReal(['jwks'], { cwd })
    for (const run of [fromFlag, fromEnv, fromDotEnv]) {
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' })
      expect(parseJson(run.stdout)).toEqual(created.jwks)
    }
  })

  it('prints only public members, also for a private JWK, and honours privateKeyId', async () => {
    const created = await keygen('RS384')
    const privateJwk = createPrivateKey(created.privateKey.replace(/\\n/g, '\n')).export({
      format: 'jwk',
    })
    const { code, stdout } = await runReal([
      'jwks',
      '--settings',
      JSON.stringify({ privateKey: JSON.stringify(privateJwk), privateKeyId: 'epic-key-1' }),
    ])
    expect(code).toBe(0)
    expect(memberNames(stdout).filter((m) => PRIVATE_MEMBERS.includes(m))).toEqual([])
    expect(stdout).not.toContain(privateJwk.d as string)
    expect(parseJson<NewKey['jwks']>(stdout).keys[0]).toMatchObject({
      kid: 'epic-key-1',
      alg: 'RS384',
      use: 'sig',
      n: privateJwk.n,
    })
  })

  it('fails without a private key, and never quotes an unreadable one', async () => {
    const missing = await runReal(['jwks'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("the 'privateKey' setting is not set")
    const unreadable =
      '-----BEGIN PRIVATE KEY-----\\nnot-a-key-at-all-1234567890\\n-----END PRIVATE KEY-----'
    const broken = await runReal(['jwks'], { env: { OAUTHAPI_PRIVATEKEY: unreadable } })
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain("setting 'privateKey' could not be read")
    expect(broken.stdout + broken.stderr).not.toContain('not-a-key-at-all')
  })
})
