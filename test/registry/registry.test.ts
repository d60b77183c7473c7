import { generateKeyPairSync } from 'node:crypto'
import type { Field } from '@awell-health/extensions-core'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { extensions } from '../../extensions'
import { SettingsValidationSchema, settings } from '../../extensions/oauthApi/settings'

/** The house rules of the awell-extensions repository, held for this registry. */
describe('the extension registry', () => {
  it('holds the oauthApi extension with its four actions', () => {
    expect(extensions.map((extension) => extension.key)).toEqual(['oauthApi'])
    expect(Object.keys(extensions[0].actions)).toEqual([
      'fetchOAuthToken',
      'authenticatedApiCall',
      'authenticatedGraphqlRequest',
      'checkConnection',
    ])
    expect(extensions[0]).toMatchObject({ title: 'OAuth API', category: 'Data' })
  })

  describe.each(extensions.map((extension) => [extension.key, extension] as const))(
    '%s',
    (key, extension) => {
      it('has a non-empty README with front matter, and a CHANGELOG', () => {
        const readme = readFileSync(join(__dirname, '../../extensions', key, 'README.md'), 'utf8')
        expect(readme).toMatch(/^---\ntitle: .+\ndescription: .+\n---\n/)
        expect(readme.length).toBeGreaterThan(500)
        expect(
          readFileSync(join(__dirname, '../../extensions', key, 'CHANGELOG.md'), 'utf8'),
        ).toMatch(/^# /)
      })

      it("shows its own icon, committed in its folder, not Awell's generic logo", () => {
        expect(extension.icon_url).toBe(
          `https://raw.githubusercontent.com/awell-health/awell-extensions/main/extensions/${key}/icon.svg`,
        )
        const icon = readFileSync(join(__dirname, '../../extensions', key, 'icon.svg'), 'utf8')
        expect(icon).toMatch(
          /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 64 64"/,
        )
      })

      it('keys every setting by its key', () => {
        for (const [settingKey, setting] of Object.entries(extension.settings)) {
          expect(setting.key).toBe(settingKey)
          expect(setting.label).not.toBe('')
        }
      })

      it.each(Object.entries(extension.actions))(
        'action %s: key, handler, fields and data points',
        (actionKey, action) => {
          expect(action.key).toBe(actionKey)
          expect(action.key).toMatch(/^[a-zA-Z]+$/)
          expect(typeof action.onEvent).toBe('function')
          expect(action.onActivityCreated).toBeUndefined()
          expect(action.title).not.toBe('')
          expect(action.description).not.toBe('')
          for (const [fieldKey, field] of Object.entries(action.fields as Record<string, Field>)) {
            expect(field.id).toBe(fieldKey)
          }
          for (const [dataPointKey, dataPoint] of Object.entries(action.dataPoints ?? {})) {
            expect(dataPoint.key).toBe(dataPointKey)
          }
        },
      )
    },
  )
})

describe('oauthApi settings: Studio metadata and Zod schema in sync', () => {
  const valid = {
    tokenUrl: 'https://auth.example.com/token',
    clientId: 'id',
    clientSecret: 'secret',
    apiBaseUrl: 'https://api.example.com',
  }

  it('has a schema entry for every setting and no other', () => {
    expect(Object.keys(SettingsValidationSchema.innerType().shape).sort()).toEqual(
      Object.keys(settings).sort(),
    )
  })

  it('accepts the minimal valid settings, with defaults filled in', () => {
    expect(SettingsValidationSchema.parse(valid)).toMatchObject({
      client: {
        endpoint: { kind: 'url', url: new URL(valid.tokenUrl) },
        auth: { method: 'client_secret_basic', clientId: 'id', clientSecret: 'secret' },
        extraParams: {},
      },
      apiBase: { href: 'https://api.example.com/' },
      timeoutSeconds: 30,
      maxResponseBytes: 10 * 1024 * 1024,
    })
  })

  it('reads a private key once, into the client authentication it belongs to', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const parsed = SettingsValidationSchema.parse({
      ...valid,
      clientSecret: undefined,
      clientAuthMethod: 'private_key_jwt',
      privateKey: pem.replace(/\n/g, '\\n'),
      signingAlgorithm: 'ES384',
    })
    expect(parsed.client.auth).toMatchObject({ method: 'private_key_jwt', algorithm: 'ES384' })
    expect(parsed.client.auth.method === 'private_key_jwt' && parsed.client.auth.key.type).toBe(
      'private',
    )
  })

  it.each(
    Object.values(settings)
      .filter((setting) => setting.required)
      .map((setting) => setting.key),
  )('refuses the settings without the required %s', (key) => {
    const result = SettingsValidationSchema.safeParse({ ...valid, [key]: undefined })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].path).toEqual([key])
  })

  it('marks exactly the secrets as obfuscated', () => {
    const obfuscated = Object.values(settings)
      .filter((setting) => setting.obfuscated)
      .map((setting) => setting.key)
    expect(obfuscated.sort()).toEqual([
      'apiHeaders',
      'clientCertificateKey',
      'clientSecret',
      'connections',
      'privateKey',
      'serviceAccountKey',
    ])
  })
})
