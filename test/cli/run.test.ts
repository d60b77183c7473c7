import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createFakeRegistry, SECRET, TOKEN } from './fakeRegistry'
import type { RunResult } from '../../cli/types'
import { makeTempDir, parseJson, runCliForTest } from './runCliForTest'

const SETTINGS = JSON.stringify({
  tokenUrl: 'https://auth.example.test/token',
  clientId: 'client-1',
  clientSecret: SECRET,
})

function runArgs(action: string, ...extra: string[]): string[] {
  return [
    'run',
    `fakeApi/${action}`,
    '--fields',
    '{"scope":"read"}',
    '--settings',
    SETTINGS,
    ...extra,
  ]
}

describe('run --json', () => {
  it('completes: exit 0, one JSON object with unmasked data points', async () => {
    const { code, stdout, stderr } = await runCliForTest(runArgs('completes', '--json'))
    expect(code).toBe(0)
    const output = parseJson<RunResult>(stdout)
    expect(output).toEqual({
      status: 'complete',
      data_points: { accessToken: TOKEN, scope: 'read', echoedSecret: SECRET, shortValue: 'ok' },
      events: [
        { date: '2024-01-01T00:00:00.000Z', text: { en: 'Fetched a token using [redacted]' } },
      ],
    })
    expect(stderr).toBe('')
  })

  it('passes a NewActivityPayload-shaped payload to the real handler', async () => {
    const { registry, payloads } = createFakeRegistry()
    await runCliForTest(runArgs('completes', '--json'), { registry })
    expect(payloads).toEqual([
      {
        fields: { scope: 'read' },
        settings: {
          tokenUrl: 'https://auth.example.test/token',
          clientId: 'client-1',
          clientSecret: SECRET,
        },
        patient: { id: 'cli-patient' },
        pathway: {
          id: 'cli-pathway',
          definition_id: 'cli-pathway-definition',
          tenant_id: 'cli-tenant',
          org_slug: 'cli-org',
          org_id: 'cli-org',
        },
        activity: { id: 'cli-activity' },
      },
    ])
  })

  it('errors: exit 1 with the events as reported', async () => {
    const { code, stdout } = await runCliForTest(runArgs('errors', '--json'))
    expect(code).toBe(1)
    expect(JSON.parse(stdout)).toEqual({
      status: 'error',
      data_points: {},
      events: [
        {
          date: '2024-01-01T00:00:00.000Z',
          text: { en: 'Token request failed' },
          error: { category: 'BAD_REQUEST', message: '401 from https://auth.example.test/token' },
        },
      ],
    })
  })

  it('throws: exit 1, status uncaught, the class name but never the message', async () => {
    const { code, stdout, stderr } = await runCliForTest(runArgs('throws', '--json'))
    expect(code).toBe(1)
    const output = parseJson<RunResult>(stdout)
    expect(output.status).toBe('uncaught')
    expect(output.events).toHaveLength(1)
    expect(output.events[0].error?.category).toBe('SERVER_ERROR')
    expect(output.events[0].error?.message).toContain('TypeError')
    expect(stdout + stderr).not.toContain('cannot use')
    expect(stdout + stderr).not.toContain(SECRET)
  })

  it('calls nothing: exit 1, status uncaught', async () => {
    const { code, stdout } = await runCliForTest(runArgs('silent', '--json'))
    expect(code).toBe(1)
    const output = parseJson<RunResult>(stdout)
    expect(output.status).toBe('uncaught')
    expect(output.events[0].text.en).toBe(
      'The action returned without calling onComplete or onError',
    )
  })

  it('keeps the first outcome when the callbacks are called twice, with a warning', async () => {
    const { code, stdout, stderr } = await runCliForTest(runArgs('twice', '--json'))
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ status: 'complete', data_points: {}, events: [] })
    expect(stderr).toContain(
      "warning: onError was called after the action had already ended with 'complete'",
    )
  })

  it('keeps the reported error when the handler throws afterwards, with a warning', async () => {
    const { code, stdout, stderr } = await runCliForTest(runArgs('throwsAfterError', '--json'))
    expect(code).toBe(1)
    expect(parseJson<RunResult>(stdout).status).toBe('error')
    expect(stderr).toContain("warning: the action threw RangeError after ending with 'error'")
    expect(stderr).not.toContain('afterwards')
  })

  it('gives real helpers: httpsAgent works, the platform-only ones fail', async () => {
    const { stdout } = await runCliForTest(runArgs('usesHelpers', '--json'))
    expect(JSON.parse(stdout)).toMatchObject({
      status: 'complete',
      data_points: {
        agent: 'Agent',
        sdkFailure: 'helpers.awellSdk is not available in the local runner',
        configFailure: 'helpers.getOpenAIConfig is not available in the local runner',
      },
    })
  })

  it('sends console output of the handler to stderr, redacted, keeping stdout pure JSON', async () => {
    const { stdout, stderr } = await runCliForTest(runArgs('logsToConsole', '--json'))
    expect(parseJson<RunResult>(stdout).status).toBe('complete')
    expect(stderr).toBe('console says [redacted]\n')
  })
})

describe('run (readable summary)', () => {
  it('masks the access token and data points equal to an obfuscated setting', async () => {
    const { code, stdout } = await runCliForTest(runArgs('completes'))
    expect(code).toBe(0)
    expect(stdout).toContain('status: complete')
    expect(stdout).toMatch(/accessToken:\s+tok_…30\n/)
    expect(stdout).toMatch(/echoedSecret:\s+supe…29\n/)
    expect(stdout).toMatch(/scope:\s+read\n/)
    expect(stdout).toMatch(/shortValue:\s+ok\n/)
    expect(stdout).toContain('- [info] Fetched a token using [redacted]')
    expect(stdout).not.toContain(SECRET)
    expect(stdout).not.toContain(TOKEN)
  })

  it('shows events with their category', async () => {
    const { code, stdout } = await runCliForTest(runArgs('errors'))
    expect(code).toBe(1)
    expect(stdout).toContain('status: error')
    expect(stdout).toContain('data points: (none)')
    expect(stdout).toContain(
      '- [BAD_REQUEST] Token request failed (401 from https://auth.example.test/token)',
    )
  })
})

describe('run --verbose', () => {
  it('writes helpers.log lines to stderr as JSON, with secrets redacted', async () => {
    const { stderr } = await runCliForTest(runArgs('completes', '--json', '--verbose'))
    const line: unknown = JSON.parse(stderr.trim())
    expect(line).toMatchObject({ message: 'about to complete', data: { secret: '[redacted]' } })
  })

  it('discards helpers.log without --verbose', async () => {
    const { stderr } = await runCliForTest(runArgs('completes', '--json'))
    expect(stderr).toBe('')
  })

  it('shows where an uncaught error came from, still without its message', async () => {
    const { stderr } = await runCliForTest(runArgs('throws', '--json', '--verbose'))
    expect(stderr).toMatch(/^the action threw TypeError at:\n\s+at /)
    expect(stderr).not.toContain('cannot use')
    expect(stderr).not.toContain(SECRET)
  })
})

describe('run settings and fields sources', () => {
  it('reads settings from .env and OAUTH-style env vars, and fields from a file', async () => {
    const cwd = makeTempDir()
    writeFileSync(
      join(cwd, '.env'),
      `FAKEAPI_TOKENURL=https://dotenv.test\nFAKEAPI_CLIENTSECRET=${SECRET}\n`,
    )
    writeFileSync(join(cwd, 'fields.json'), '{"scope":"write","unknownField":1}')
    const { registry, payloads } = createFakeRegistry()
    const { code, stderr } = await runCliForTest(
      ['run', 'fakeApi/completes', '--fields-file', 'fields.json', '--json'],
      { registry, cwd, env: { FAKEAPI_CLIENTID: 'env-id', FAKEAPI_TOKENURL: 'https://env.test' } },
    )
    expect(code).toBe(0)
    expect(payloads[0].fields).toEqual({ scope: 'write' })
    expect(payloads[0].settings).toEqual({
      tokenUrl: 'https://env.test',
      clientId: 'env-id',
      clientSecret: SECRET,
    })
    expect(stderr).toContain("warning: ignoring unknown field 'unknownField'")
  })

  it('warns about unknown settings without printing any value', async () => {
    const settings = JSON.stringify({ clientSecret: SECRET, clientSecrett: 'typo-value' })
    const { stderr } = await runCliForTest([
      'run',
      'fakeApi/silent',
      '--fields',
      '{}',
      '--settings',
      settings,
    ])
    expect(stderr).toContain("warning: ignoring unknown setting 'clientSecrett'")
    expect(stderr).not.toContain('typo-value')
    expect(stderr).not.toContain(SECRET)
  })
})

describe('run usage errors', () => {
  it.each([
    [['run', 'fakeApi/completes', '--settings', SETTINGS], 'needs --fields'],
    [['run', 'fakeApi/completes', '--fields', '{scope}'], '--fields is not valid JSON'],
    [['run', 'fakeApi/completes', '--fields', '[]'], '--fields must be a JSON object'],
    [['run', 'fakeApi/completes', '--fields-file', 'missing.json'], '(ENOENT)'],
    [['run', 'fakeApi/nope', '--fields', '{}'], "unknown action 'nope'"],
    [
      ['run', 'fakeApi/completes', '--fields', '{}', '--settings', `{"clientSecret":"${SECRET}"`],
      '--settings is not valid JSON',
    ],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('%j exits 2 with a usage message on stderr', async (argv, message) => {
    const { code, stdout, stderr } = await runCliForTest(argv)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain(message)
    expect(stderr).toContain('Usage:')
    expect(stderr).not.toContain(SECRET)
  })

  it('prints the usage on stdout for --help', async () => {
    const { code, stdout } = await runCliForTest(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('Usage:')
  })
})
