import { parseArgs } from '../../cli/parseArgs'
import { UsageError } from '../../cli/usage'

describe('parseArgs', () => {
  it('parses list and describe with --json', () => {
    expect(parseArgs(['list'])).toEqual({ name: 'list', json: false })
    expect(parseArgs(['describe', 'oauthApi/fetchOAuthToken', '--json'])).toEqual({
      name: 'describe',
      target: 'oauthApi/fetchOAuthToken',
      json: true,
    })
  })

  it('parses run with inline fields, a settings file, --json and --verbose', () => {
    expect(
      parseArgs([
        'run',
        'oauthApi/fetchOAuthToken',
        '--fields',
        '{"scope":"read"}',
        '--settings-file=settings.json',
        '--json',
        '--verbose',
      ]),
    ).toEqual({
      name: 'run',
      target: 'oauthApi/fetchOAuthToken',
      json: true,
      verbose: true,
      fields: { kind: 'inline', text: '{"scope":"read"}' },
      settings: { kind: 'file', path: 'settings.json' },
    })
  })

  it('treats --help and -h as help', () => {
    expect(parseArgs(['--help'])).toEqual({ name: 'help' })
    expect(parseArgs(['run', '-h'])).toEqual({ name: 'help' })
  })

  it.each([
    [[], 'missing command'],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['toString'], "unknown command 'toString'"],
    [['describe'], 'needs an <extension>/<action>'],
    [['list', 'extra'], "unexpected argument 'extra'"],
    [['run', 'a/b'], 'needs --fields'],
    [['run', 'a/b', '--fields'], '--fields needs a value'],
    [['run', 'a/b', '--fields', '{}', '--fields-file', 'f.json'], 'not both'],
    [['run', 'a/b', '--fields', '{}', '--fields', '{}'], 'more than once'],
    [['run', 'a/b', '--fields', '{}', '--nope'], 'unknown option --nope'],
    [['list', '--verbose'], "not valid for 'list'"],
    [['list', '--json=yes'], 'does not take a value'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError)
    expect(() => parseArgs(argv)).toThrow(message)
  })
})
