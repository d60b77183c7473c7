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
    }

const BOOLEAN_FLAGS = new Set(['json', 'verbose', 'help'])
const VALUE_FLAGS = new Set(['fields', 'fields-file', 'settings', 'settings-file'])

const FLAGS_BY_COMMAND: Record<string, ReadonlySet<string>> = {
  list: new Set(['json']),
  describe: new Set(['json']),
  run: new Set(['json', 'verbose', 'fields', 'fields-file', 'settings', 'settings-file']),
}

interface SplitArgs {
  positionals: string[]
  flags: Map<string, string | true>
}

function splitFlag(arg: string): { name: string; inlineValue?: string } {
  const body = arg.slice(2)
  const equals = body.indexOf('=')
  if (equals === -1) return { name: body }
  return { name: body.slice(0, equals), inlineValue: body.slice(equals + 1) }
}

function splitPositionalsAndFlags(argv: readonly string[]): SplitArgs {
  const positionals: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h') {
      flags.set('help', true)
      continue
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const { name, inlineValue } = splitFlag(arg)
    if (flags.has(name)) throw new UsageError(`--${name} was given more than once`)
    if (BOOLEAN_FLAGS.has(name)) {
      if (inlineValue !== undefined) throw new UsageError(`--${name} does not take a value`)
      flags.set(name, true)
    } else if (VALUE_FLAGS.has(name)) {
      const value = inlineValue ?? argv[++i]
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      flags.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { positionals, flags }
}

function rejectFlagsNotAllowed(command: string, flags: Map<string, string | true>): void {
  const allowed = FLAGS_BY_COMMAND[command]
  for (const name of flags.keys()) {
    if (!allowed.has(name)) throw new UsageError(`option --${name} is not valid for '${command}'`)
  }
}

function expectPositionals(command: string, positionals: string[], count: number): void {
  if (positionals.length < count) {
    throw new UsageError(`'${command}' needs an <extension>/<action> argument`)
  }
  if (positionals.length > count) {
    throw new UsageError(`unexpected argument '${positionals[count]}'`)
  }
}

function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const value = flags.get(name)
  return typeof value === 'string' ? value : undefined
}

function jsonSource(
  flags: Map<string, string | true>,
  inlineFlag: string,
  fileFlag: string,
): JsonSource | undefined {
  const text = stringFlag(flags, inlineFlag)
  const path = stringFlag(flags, fileFlag)
  if (text !== undefined && path !== undefined) {
    throw new UsageError(`give either --${inlineFlag} or --${fileFlag}, not both`)
  }
  if (text !== undefined) return { kind: 'inline', text }
  if (path !== undefined) return { kind: 'file', path }
  return undefined
}

function parseRunCommand(target: string, flags: Map<string, string | true>): Command {
  const fields = jsonSource(flags, 'fields', 'fields-file')
  if (fields === undefined) throw new UsageError("'run' needs --fields JSON or --fields-file FILE")
  return {
    name: 'run',
    target,
    json: flags.has('json'),
    verbose: flags.has('verbose'),
    fields,
    settings: jsonSource(flags, 'settings', 'settings-file'),
  }
}

/** Turns the command-line arguments (after `--`) into a command, or throws a UsageError. */
export function parseArgs(argv: readonly string[]): Command {
  const { positionals, flags } = splitPositionalsAndFlags(argv)
  if (flags.has('help')) return { name: 'help' }
  const [command, ...rest] = positionals
  if (command === undefined) throw new UsageError('missing command')
  if (command === 'help') return { name: 'help' }
  if (!Object.hasOwn(FLAGS_BY_COMMAND, command))
    throw new UsageError(`unknown command '${command}'`)
  rejectFlagsNotAllowed(command, flags)
  const json = flags.has('json')
  if (command === 'list') {
    expectPositionals(command, rest, 0)
    return { name: 'list', json }
  }
  expectPositionals(command, rest, 1)
  if (command === 'describe') return { name: 'describe', target: rest[0], json }
  return parseRunCommand(rest[0], flags)
}
