import {
  readConnections,
  DEFAULT_CONNECTION,
} from '../extensions/oauthApi/lib/input/namedConnections'
import { describeFailure } from '../extensions/oauthApi/lib/run/describeFailure'
import { parseSettings } from '../extensions/oauthApi/settings'
import { loadOauthApiSettings } from './loadSettings'
import type { Command } from './parseCommand'
import type { CliDependencies } from './types'
import { EXIT_ACTION_FAILED, EXIT_OK } from './types'

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
  const settings = await loadOauthApiSettings(command.settings, deps)
  const listing = listConnections(settings.values)
  const text = command.json
    ? `${JSON.stringify({ connections: listing }, null, 2)}\n`
    : formatListing(listing)
  settings.print(text)
  return listing.some((each) => each.problem !== undefined) ? EXIT_ACTION_FAILED : EXIT_OK
}
