import type { Extension } from '@awell-health/extensions-core'
import {
  readConnections,
  DEFAULT_CONNECTION,
} from '../extensions/oauthApi/lib/input/namedConnections'
import { describeFailure } from '../extensions/oauthApi/lib/run/describeFailure'
import { parseSettings } from '../extensions/oauthApi/settings'
import { loadSettings } from './loadSettings'
import type { Command } from './parseCommand'
import { obfuscatedValues, redactSecrets } from './secrets'
import type { CliDependencies } from './types'
import { EXIT_ACTION_FAILED, EXIT_OK } from './types'
import { UsageError } from './usage'

const EXTENSION_KEY = 'oauthApi'

/** One connection as `connections` lists it: never a secret. */
interface ConnectionListing {
  name: string
  /** The token URL, or `issuer <URL>` when it is discovered. */
  tokenEndpoint: string | undefined
  clientId: string | undefined
  clientAuthMethod: string | undefined
  apiBaseUrl: string | undefined
  /** What is wrong with it, naming the setting; undefined when it is valid. */
  problem: string | undefined
}

/** A setting's value as text, for the listing (only settings that are not secret are shown). */
const shown = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value).trim() || undefined
    : undefined

/** Every connection of the settings: `default` (the flat settings) and each named one. */
const listConnections = (values: Readonly<Record<string, string>>): ConnectionListing[] => {
  const read = readConnections(values['connections'])
  const named: Array<[string, Readonly<Record<string, unknown>>]> =
    'entries' in read ? [...read.entries] : []
  const listing = [[DEFAULT_CONNECTION, values] as const, ...named].map(
    ([name, entry]): ConnectionListing => {
      let problem: string | undefined
      let tokenEndpoint = shown(entry['tokenUrl'])
      try {
        const settings = parseSettings(values, name)
        const { endpoint } = settings.client
        tokenEndpoint =
          endpoint.kind === 'url' ? endpoint.url.href : `issuer ${endpoint.issuer.href}`
      } catch (error) {
        problem = describeFailure(error).message
      }
      return {
        name,
        tokenEndpoint:
          tokenEndpoint ??
          (shown(entry['issuerUrl']) !== undefined
            ? `issuer ${shown(entry['issuerUrl'])}`
            : undefined),
        clientId: shown(entry['clientId']),
        clientAuthMethod: shown(entry['clientAuthMethod']) ?? 'client_secret_basic',
        apiBaseUrl: shown(entry['apiBaseUrl']),
        problem,
      }
    },
  )
  if ('problem' in read) {
    listing.push({
      name: '(connections)',
      tokenEndpoint: undefined,
      clientId: undefined,
      clientAuthMethod: undefined,
      apiBaseUrl: undefined,
      problem: `Setting "connections": ${read.problem}`,
    })
  }
  return listing
}

const formatListing = (listing: readonly ConnectionListing[]): string =>
  listing
    .map((each) =>
      [
        `${each.name}: ${each.problem === undefined ? 'valid' : 'INVALID'}`,
        `  token endpoint: ${each.tokenEndpoint ?? '(not set)'}`,
        `  client id: ${each.clientId ?? '(not set)'} (${each.clientAuthMethod ?? '?'})`,
        `  API base URL: ${each.apiBaseUrl ?? '(not set)'}`,
        ...(each.problem !== undefined ? [`  problem: ${each.problem}`] : []),
      ].join('\n'),
    )
    .join('\n\n') + '\n'

/**
 * `connections`: lists each connection of the settings (.env, OAUTHAPI_* variables, --settings)
 * and validates them all; exit 1 when any is invalid. No secret is printed.
 */
export async function connectionsCommand(
  command: Extract<Command, { name: 'connections' }>,
  deps: CliDependencies,
): Promise<number> {
  const extension: Extension | undefined = deps.registry.find(
    (candidate) => candidate.key === EXTENSION_KEY,
  )
  if (extension === undefined) {
    throw new UsageError(`no '${EXTENSION_KEY}' extension in the registry`)
  }
  const settings = await loadSettings(extension, {
    env: deps.env,
    cwd: deps.cwd,
    source: command.settings,
    checkRequired: false,
  })
  const secrets = obfuscatedValues(extension, settings.values)
  for (const warning of settings.warnings) {
    deps.stderr(redactSecrets(`warning: ${warning}\n`, secrets))
  }
  const listing = listConnections(settings.values)
  const text = command.json
    ? `${JSON.stringify({ connections: listing }, null, 2)}\n`
    : formatListing(listing)
  deps.stdout(redactSecrets(text, secrets))
  return listing.some((each) => each.problem !== undefined) ? EXIT_ACTION_FAILED : EXIT_OK
}
