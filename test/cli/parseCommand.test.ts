import { parseCommand } from '../../cli/parseCommand'
import { UsageError } from '../../cli/usage'

describe('parseCommand', () => {
  it('parses list and describe with --json', () => {
    expect(parseCommand(['list'])).toEqual({ name: 'list', json: false })
    expect(parseCommand(['describe', 'oauthApi/fetchOAuthToken', '--json'])).toEqual({
      name: 'describe',
      target: 'oauthApi/fetchOAuthToken',
      json: true,
    })
  })

  it('parses run with inline fields, a settings file, --json and --verbose', () => {
    expect(
      parseCommand([
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

  it('parses --connection for run and jwks, and the connections command', () => {
    expect(
      parseCommand(['run', 'oauthApi/fetchOAuthToken', '--fields', '{}', '--connection', 'lab']),
    ).toMatchObject({ name: 'run', connection: 'lab' })
    expect(parseCommand(['jwks', '--connection=lab'])).toEqual({
      name: 'jwks',
      settings: undefined,
      connection: 'lab',
    })
    expect(parseCommand(['connections', '--settings-file', 's.json', '--json'])).toEqual({
      name: 'connections',
      settings: { kind: 'file', path: 's.json' },
      json: true,
    })
    expect(() => parseCommand(['connections', '--connection', 'lab'])).toThrow(
      "option --connection is not valid for 'connections'",
    )
    expect(() => parseCommand(['run', 'oauthApi/x', '--fields', '{}', '--connection'])).toThrow(
      '--connection needs a value',
    )
  })

  it('parses keygen with --alg (RS384 by default) and jwks with settings', () => {
    expect(parseCommand(['keygen'])).toEqual({
      name: 'keygen',
      alg: 'RS384',
      json: false,
      certificate: false,
    })
    expect(parseCommand(['keygen', '--alg', 'PS256', '--certificate'])).toMatchObject({
      alg: 'PS256',
      certificate: true,
    })
    expect(parseCommand(['keygen', '--alg', 'ES384', '--json'])).toEqual({
      name: 'keygen',
      alg: 'ES384',
      json: true,
      certificate: false,
    })
    expect(parseCommand(['jwks', '--settings-file', 's.json'])).toEqual({
      name: 'jwks',
      settings: { kind: 'file', path: 's.json' },
    })
  })

  it('treats --help and -h as help', () => {
    expect(parseCommand(['--help'])).toEqual({ name: 'help' })
    expect(parseCommand(['run', '-h'])).toEqual({ name: 'help' })
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
    [['keygen', '--alg', 'none'], '--alg must be one of'],
    [['keygen', 'extra'], "unexpected argument 'extra'"],
    [['jwks', '--json'], "not valid for 'jwks'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError)
    expect(() => parseCommand(argv)).toThrow(message)
  })
})
