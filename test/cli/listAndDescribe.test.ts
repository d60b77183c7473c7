import type { ActionDescription } from '../../cli/describeAction'
import type { ExtensionListing } from '../../cli/listActions'
import { parseJson, runCliForTest } from './runCliForTest'

describe('list', () => {
  it('prints each extension and its actions as <extension>/<action> with titles', async () => {
    const { code, stdout, stderr } = await runCliForTest(['list'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toContain('fakeApi  Fake API')
    expect(stdout).toMatch(/fakeApi\/completes\s+Title of completes/)
    expect(stdout).toMatch(/fakeApi\/silent\s+Title of silent/)
  })

  it('prints JSON with --json', async () => {
    const { stdout } = await runCliForTest(['list', '--json'])
    const [extension] = parseJson<ExtensionListing[]>(stdout)
    expect(extension.key).toBe('fakeApi')
    expect(extension.actions[0]).toEqual({ key: 'completes', title: 'Title of completes' })
  })
})

describe('describe', () => {
  it('prints one JSON object with fields, data points and settings', async () => {
    const { code, stdout } = await runCliForTest(['describe', 'fakeApi/completes', '--json'])
    expect(code).toBe(0)
    const description = parseJson<ActionDescription>(stdout)
    expect(description).toMatchObject({
      extension: 'fakeApi',
      action: 'completes',
      title: 'Title of completes',
      description: 'Does completes',
    })
    expect(description.fields).toEqual([
      {
        id: 'scope',
        label: 'Scope',
        type: 'string',
        required: true,
        description: 'The OAuth scope',
        options: [
          { label: 'Read', value: 'read' },
          { label: 'Write', value: 'write' },
        ],
      },
      { id: 'retries', label: 'Retries', type: 'numeric', required: false },
    ])
    expect(description.dataPoints).toContainEqual({ key: 'accessToken', valueType: 'string' })
    expect(description.settings).toContainEqual({
      key: 'clientSecret',
      label: 'Client secret',
      required: true,
      obfuscated: true,
      description: 'Keep it secret',
      envVar: 'FAKEAPI_CLIENTSECRET',
    })
    expect(description.settings).toContainEqual({
      key: 'apiBaseUrl',
      label: 'API base URL',
      required: false,
      obfuscated: false,
      envVar: 'FAKEAPI_APIBASEURL',
    })
  })

  it('prints a readable description', async () => {
    const { stdout } = await runCliForTest(['describe', 'fakeApi/completes'])
    expect(stdout).toContain('fakeApi/completes: Title of completes')
    expect(stdout).toMatch(/scope\s+string\s+required\s+Scope/)
    expect(stdout).toContain('options: read (Read), write (Write)')
    expect(stdout).toMatch(/accessToken\s+string/)
    expect(stdout).toMatch(
      /clientSecret\s+required, obfuscated\s+FAKEAPI_CLIENTSECRET\s+Client secret/,
    )
  })

  it.each([
    ['nope/completes', "unknown extension 'nope' (known: fakeApi)"],
    ['fakeApi/nope', "unknown action 'nope' in extension 'fakeApi'"],
    ['fakeApi', 'expected <extension>/<action>'],
  ])('exits 2 with usage for %s', async (target, message) => {
    const { code, stdout, stderr } = await runCliForTest(['describe', target])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr).toContain('Usage:')
  })
})
