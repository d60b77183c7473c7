import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSettings, mergeSettings } from '../../cli/loadSettings'
import { readDotEnv } from '../../cli/readDotEnv'
import { UsageError } from '../../cli/usage'
import { createFakeRegistry } from './fakeRegistry'
import { makeTempDir } from './runCliForTest'

const extension = createFakeRegistry().registry[0]

describe('mergeSettings', () => {
  it('gives --settings priority over the environment, and the environment over .env', () => {
    const { values } = mergeSettings(extension, {
      dotEnv: {
        FAKEAPI_TOKENURL: 'dotenv-url',
        FAKEAPI_CLIENTID: 'dotenv-id',
        FAKEAPI_APIBASEURL: 'b',
      },
      env: { FAKEAPI_TOKENURL: 'env-url', FAKEAPI_CLIENTID: 'env-id' },
      cli: { clientId: 'cli-id' },
    })
    expect(values).toEqual({ tokenUrl: 'env-url', clientId: 'cli-id', apiBaseUrl: 'b' })
  })

  it('matches the part after the prefix case-insensitively against the setting keys', () => {
    const { values } = mergeSettings(extension, {
      dotEnv: {},
      env: { FAKEAPI_ClientSecret: 's', fakeapi_tokenurl: 'u', OTHER_TOKENURL: 'x' },
      cli: {},
    })
    expect(values).toEqual({ clientSecret: 's', tokenUrl: 'u' })
  })

  it('drops unknown keys with a warning that names the key but not the value', () => {
    const { values, warnings } = mergeSettings(extension, {
      dotEnv: { FAKEAPI_NOPE: 'dotenv-value' },
      env: {},
      cli: { tokenURL: 'cli-value', tokenUrl: 'u', clientId: 'i', clientSecret: 's' },
    })
    expect(values).toEqual({ tokenUrl: 'u', clientId: 'i', clientSecret: 's' })
    expect(warnings).toEqual([
      "ignoring FAKEAPI_NOPE from .env: 'fakeApi' has no such setting",
      expect.stringContaining("ignoring unknown setting 'tokenURL'"),
    ])
    expect(warnings.join('\n')).not.toMatch(/dotenv-value|cli-value/)
  })

  it('warns about required settings that are not set', () => {
    const { warnings } = mergeSettings(extension, { dotEnv: {}, env: {}, cli: { tokenUrl: 'u' } })
    expect(warnings).toEqual([
      "required setting 'clientId' is not set (env FAKEAPI_CLIENTID or --settings)",
      "required setting 'clientSecret' is not set (env FAKEAPI_CLIENTSECRET or --settings)",
    ])
  })

  it('turns numbers and booleans into strings and refuses other values', () => {
    const { values } = mergeSettings(extension, { dotEnv: {}, env: {}, cli: { clientId: 42 } })
    expect(values.clientId).toBe('42')
    expect(() =>
      mergeSettings(extension, { dotEnv: {}, env: {}, cli: { clientSecret: { nested: 'x' } } }),
    ).toThrow(new UsageError("setting 'clientSecret' must be a string"))
  })
})

describe('readDotEnv', () => {
  it('parses .env like process.loadEnvFile without touching process.env', async () => {
    const cwd = makeTempDir()
    writeFileSync(
      join(cwd, '.env'),
      '# comment\nFAKEAPI_TOKENURL=https://example.test/token\nexport FAKEAPI_CLIENTID="my id" # trailing\nFAKEAPI_CLIENTSECRET=\'s#cret\'\n',
    )
    const { variables, warnings } = await readDotEnv(cwd)
    expect(variables).toEqual({
      FAKEAPI_TOKENURL: 'https://example.test/token',
      FAKEAPI_CLIENTID: 'my id',
      FAKEAPI_CLIENTSECRET: 's#cret',
    })
    expect(warnings).toEqual([])
    expect(process.env.FAKEAPI_TOKENURL).toBeUndefined()
  })

  it('yields nothing when there is no .env file', async () => {
    expect(await readDotEnv(makeTempDir())).toEqual({ variables: {}, warnings: [] })
  })
})

describe('loadSettings', () => {
  it('combines .env, env and a --settings-file', async () => {
    const cwd = makeTempDir()
    writeFileSync(join(cwd, '.env'), 'FAKEAPI_TOKENURL=from-dotenv\nFAKEAPI_CLIENTID=from-dotenv\n')
    writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ clientSecret: 'from-file' }))
    const { values, warnings } = await loadSettings(extension, {
      env: { FAKEAPI_CLIENTID: 'from-env' },
      cwd,
      source: { kind: 'file', path: 'settings.json' },
    })
    expect(values).toEqual({
      tokenUrl: 'from-dotenv',
      clientId: 'from-env',
      clientSecret: 'from-file',
    })
    expect(warnings).toEqual([])
  })

  it('reports invalid settings JSON without quoting it', async () => {
    const promise = loadSettings(extension, {
      env: {},
      cwd: makeTempDir(),
      source: { kind: 'inline', text: '{"clientSecret": hunter2}' },
    })
    await expect(promise).rejects.toThrow(new UsageError('--settings is not valid JSON'))
  })
})
