import { connectionsCommand } from './connectionsCommand'
import { describeAction } from './describeAction'
import { stackFramesOf, thrownClassName } from './describeThrown'
import { findAction } from './findAction'
import { jwksCommand, keygenCommand } from './keys'
import {
  formatDescription,
  formatJson,
  formatList,
  formatRunJson,
  formatRunSummary,
} from './format'
import { listActions } from './listActions'
import { parseCommand, type Command } from './parseCommand'
import { loadFields } from './loadFields'
import { loadSettings } from './loadSettings'
import { redirectConsole } from './redirectConsole'
import { runToResult } from './runResult'
import { obfuscatedValues, redactSecrets } from './secrets'
import type { CliDependencies, Writer } from './types'
import { EXIT_ACTION_FAILED, EXIT_OK, EXIT_USAGE } from './types'
import { USAGE, UsageError } from './usage'
import { createLog } from './verboseLog'

type RunCommand = Extract<Command, { name: 'run' }>

function redactingWriter(write: Writer, secrets: readonly string[]): Writer {
  return (text) => write(redactSecrets(text, secrets))
}

function writeWarnings(stderr: Writer, warnings: readonly string[]): void {
  for (const warning of warnings) stderr(`warning: ${warning}\n`)
}

function reportThrownStack(stderr: Writer, thrown: unknown): void {
  const frames = stackFramesOf(thrown)
  stderr(`the action threw ${thrownClassName(thrown)}${frames.length > 0 ? ' at:' : ''}\n`)
  if (frames.length > 0) stderr(`${frames.join('\n')}\n`)
}

function listCommand(json: boolean, deps: CliDependencies): number {
  const listing = listActions(deps.registry)
  deps.stdout(json ? formatJson(listing) : formatList(listing))
  return EXIT_OK
}

function describeCommand(target: string, json: boolean, deps: CliDependencies): number {
  const description = describeAction(findAction(deps.registry, target))
  deps.stdout(json ? formatJson(description) : formatDescription(description))
  return EXIT_OK
}

/** --connection NAME is the Connection field; given both, they must agree. */
function withConnection(
  fields: Record<string, unknown>,
  connection: string | undefined,
): Record<string, unknown> {
  if (connection === undefined) return fields
  if (fields['connection'] !== undefined && fields['connection'] !== connection) {
    throw new UsageError('--connection and the "connection" field differ; give one of them')
  }
  return { ...fields, connection }
}

async function runCommand(command: RunCommand, deps: CliDependencies): Promise<number> {
  const ref = findAction(deps.registry, command.target)
  const fields = await loadFields(ref.action, command.fields, deps.cwd)
  const settings = await loadSettings(ref.extension, {
    env: deps.env,
    cwd: deps.cwd,
    source: command.settings,
  })
  const secrets = obfuscatedValues(ref.extension, settings.values)
  const stderr = redactingWriter(deps.stderr, secrets)
  writeWarnings(stderr, [...fields.warnings, ...settings.warnings])
  const result = await redirectConsole(stderr, () =>
    runToResult({
      ref,
      fields: withConnection(fields.values, command.connection),
      settings: settings.values,
      log: createLog(command.verbose, stderr),
      warn: (message) => writeWarnings(stderr, [message]),
      onThrown: command.verbose ? (thrown) => reportThrownStack(stderr, thrown) : undefined,
    }),
  )
  deps.stdout(command.json ? formatRunJson(result, secrets) : formatRunSummary(result, secrets))
  return result.status === 'complete' ? EXIT_OK : EXIT_ACTION_FAILED
}

async function executeCommand(command: Command, deps: CliDependencies): Promise<number> {
  switch (command.name) {
    case 'help':
      deps.stdout(USAGE)
      return EXIT_OK
    case 'list':
      return listCommand(command.json, deps)
    case 'describe':
      return describeCommand(command.target, command.json, deps)
    case 'run':
      return runCommand(command, deps)
    case 'keygen':
      return keygenCommand(command, deps)
    case 'jwks':
      return jwksCommand(command, deps)
    case 'connections':
      return connectionsCommand(command, deps)
  }
}

/**
 * The local runner: `list`, `describe <ext>/<action>` and `run <ext>/<action>`, and the
 * onboarding commands `keygen`, `jwks` and `connections`.
 * Resolves to the exit code: 0 completed, 1 the action failed, 2 usage error.
 */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  try {
    return await executeCommand(parseCommand(argv), deps)
  } catch (error) {
    if (error instanceof UsageError) {
      deps.stderr(`error: ${error.message}\n\n${USAGE}`)
      return EXIT_USAGE
    }
    deps.stderr(`internal error in the CLI: ${thrownClassName(error)}\n`)
    return EXIT_ACTION_FAILED
  }
}
