import { parseArgs, type ParseArgsConfig } from 'node:util'
import {
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
} from '../extensions/oauthApi/lib/oauth/TokenClient'
import { UsageError } from './usage'

/** Where a JSON document comes from: inline on the command line or from a file. */
export type JsonSource = { kind: 'inline'; text: string } | { kind: 'file'; path: string }

export type Command =
  | { name: 'help' }
  | { name: 'list'; json: boolean }
  | { name: 'describe'; target: string; json: boolean }
  | {
      name: 'run'
      target: string
      json: boolean
      verbose: boolean
      fields: JsonSource
      settings?: JsonSource
      connection?: string
    }
  | { name: 'keygen'; alg: SigningAlgorithm; json: boolean; certificate: boolean }
  | { name: 'jwks'; settings?: JsonSource; connection?: string }
  | { name: 'connections'; settings?: JsonSource; json: boolean }

const OPTIONS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  fields: { type: 'string' },
  'fields-file': { type: 'string' },
  settings: { type: 'string' },
  'settings-file': { type: 'string' },
  alg: { type: 'string' },
  certificate: { type: 'boolean' },
  connection: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

type OptionName = keyof typeof OPTIONS

const OPTIONS_BY_COMMAND: Record<string, ReadonlySet<string>> = {
  list: new Set(['json']),
  describe: new Set(['json']),
  run: new Set([
    'json',
    'verbose',
    'fields',
    'fields-file',
    'settings',
    'settings-file',
    'connection',
  ]),
  keygen: new Set(['json', 'alg', 'certificate']),
  jwks: new Set(['settings', 'settings-file', 'connection']),
  connections: new Set(['settings', 'settings-file', 'json']),
}

type Flags = Partial<Record<OptionName, string | true>>

/**
 * node:util parseArgs, not strict, with its tokens checked here so that every mistake is a
 * UsageError with our wording: unknown, repeated, missing or unexpected option values.
 */
function tokenize(argv: readonly string[]): { positionals: string[]; flags: Flags } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  const positionals: string[] = []
  const flags: Flags = {}
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value)
    if (token.kind !== 'option') continue
    if (!Object.prototype.hasOwnProperty.call(OPTIONS, token.name))
      throw new UsageError(`unknown option ${token.rawName}`)
    const name = token.name as OptionName
    if (name === 'help') return { positionals, flags: { help: true } }
    if (flags[name] !== undefined) throw new UsageError(`--${name} was given more than once`)
    if (OPTIONS[name].type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`--${name} does not take a value`)
      flags[name] = true
    } else {
      if (token.value === undefined) throw new UsageError(`--${name} needs a value`)
      flags[name] = token.value
    }
  }
  return { positionals, flags }
}

function expectPositionals(command: string, positionals: string[], count: number): void {
  if (positionals.length < count) {
    throw new UsageError(`'${command}' needs an <extension>/<action> argument`)
  }
  if (positionals.length > count) {
    throw new UsageError(`unexpected argument '${positionals[count]}'`)
  }
}

/** --alg: one of the algorithms the Signing algorithm setting takes; RS384 (its default) when absent. */
function signingAlgorithm(value: string | true | undefined): SigningAlgorithm {
  if (value === undefined) return 'RS384'
  const known: readonly string[] = SIGNING_ALGORITHMS
  if (typeof value !== 'string' || !known.includes(value)) {
    throw new UsageError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`)
  }
  return value as SigningAlgorithm
}

function jsonSource(flags: Flags, inlineFlag: OptionName, fileFlag: OptionName) {
  const text = flags[inlineFlag]
  const path = flags[fileFlag]
  if (text !== undefined && path !== undefined) {
    throw new UsageError(`give either --${inlineFlag} or --${fileFlag}, not both`)
  }
  if (typeof text === 'string') return { kind: 'inline', text } as const
  if (typeof path === 'string') return { kind: 'file', path } as const
  return undefined
}

/** Turns the command-line arguments (after `--`) into a command, or throws a UsageError. */
export function parseCommand(argv: readonly string[]): Command {
  const { positionals, flags } = tokenize(argv)
  if (flags.help) return { name: 'help' }
  const [command, ...rest] = positionals
  if (command === undefined) throw new UsageError('missing command')
  if (command === 'help') return { name: 'help' }
  const allowed = Object.prototype.hasOwnProperty.call(OPTIONS_BY_COMMAND, command)
    ? OPTIONS_BY_COMMAND[command]
    : null
  if (allowed === null) throw new UsageError(`unknown command '${command}'`)
  for (const name of Object.keys(flags)) {
    if (!allowed.has(name)) throw new UsageError(`option --${name} is not valid for '${command}'`)
  }
  const json = flags.json === true
  if (command === 'list') {
    expectPositionals(command, rest, 0)
    return { name: 'list', json }
  }
  if (command === 'keygen') {
    expectPositionals(command, rest, 0)
    const alg = signingAlgorithm(flags.alg)
    const certificate = flags.certificate === true
    if (certificate && !alg.startsWith('RS') && !alg.startsWith('PS')) {
      throw new UsageError('--certificate needs an RSA algorithm (RS256, RS384, PS256 or PS384)')
    }
    return { name: 'keygen', alg, json, certificate }
  }
  if (command === 'jwks') {
    expectPositionals(command, rest, 0)
    return {
      name: 'jwks',
      settings: jsonSource(flags, 'settings', 'settings-file'),
      connection: connectionFlag(flags),
    }
  }
  if (command === 'connections') {
    expectPositionals(command, rest, 0)
    return { name: 'connections', settings: jsonSource(flags, 'settings', 'settings-file'), json }
  }
  expectPositionals(command, rest, 1)
  if (command === 'describe') return { name: 'describe', target: rest[0], json }
  const fields = jsonSource(flags, 'fields', 'fields-file')
  if (fields === undefined) throw new UsageError("'run' needs --fields JSON or --fields-file FILE")
  return {
    name: 'run',
    target: rest[0],
    json,
    verbose: flags.verbose === true,
    fields,
    settings: jsonSource(flags, 'settings', 'settings-file'),
    connection: connectionFlag(flags),
  }
}

/** --connection NAME: a named connection of the settings (checked when the settings are read). */
function connectionFlag(flags: Flags): string | undefined {
  const name = flags.connection
  return typeof name === 'string' ? name : undefined
}
