// `npm run servers`: starts the local authorization server and sample API, and a second system
// (its own authorization server, clients and API audience) for named connections; prints the
// extension settings for the local (freshly generated, development-only) clients and runs until
// SIGINT/SIGTERM.

import { ALLOWED_NETWORKS_ENV, LOOPBACK_NETWORKS } from './allowLoopback'
import { GRAPHQL_PATH } from './graphqlApi'
import { SECOND_API_AUDIENCE, startLocalServers, type LocalServers } from './startLocalServers'

type ClientName = keyof LocalServers['clients']

const SHELL_SAFE = /^[A-Za-z0-9_./:@%+=,-]+$/

/** POSIX shell single quotes: nothing inside is special, a ' is written as '\''. */
function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}

function shellAssignments(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([key, value]) => `OAUTHAPI_${key.toUpperCase()}=${shellQuote(value)}`)
    .join('\n')
}

function otherClientsSettings(servers: LocalServers): Record<string, Record<string, string>> {
  const names = Object.keys(servers.clients) as ClientName[]
  return Object.fromEntries(
    names.filter((name) => name !== 'basic').map((name) => [name, servers.settingsFor(name)]),
  )
}

function printSettings(servers: LocalServers, lab: LocalServers): void {
  const basic = {
    ...servers.settingsFor('basic'),
    connections: JSON.stringify({ lab: lab.settingsFor('basic') }),
  }
  console.log(`Authorization server (issuer): ${servers.issuer}`)
  console.log(`Token endpoint:                ${servers.tokenUrl}`)
  console.log(`Sample FHIR API:               ${servers.apiBaseUrl}/Patient/example`)
  console.log(`Sample GraphQL endpoint:       ${servers.apiBaseUrl}${GRAPHQL_PATH}`)
  console.log(`API audience:                  ${servers.apiAudience}`)
  console.log(`Second system (connection "lab"): ${lab.issuer}, API ${lab.apiBaseUrl}`)
  console.log(`  its API audience:            ${lab.apiAudience}`)
  console.log('\nExtension settings for the "basic" client (client_secret_basic):')
  console.log(JSON.stringify(basic, null, 2))
  console.log('\nThe same as shell variables:')
  console.log(shellAssignments(basic))
  console.log(
    `# The extension refuses loopback unless the operator opens it (docs/design/network-policy.md):\n${ALLOWED_NETWORKS_ENV}=${shellQuote(process.env[ALLOWED_NETWORKS_ENV] ?? LOOPBACK_NETWORKS)}`,
  )
  console.log('\nSettings for the other clients:')
  console.log(JSON.stringify(otherClientsSettings(servers), null, 2))
  console.log('\nVendor dialects (servers/dialectServers.ts), e.g. a Salesforce-shaped token for a')
  console.log('Dock Health-like API (fixed headers beside the token):')
  const dialect = servers.dialects.settingsFor('salesforce', 'dock', {
    tokenLifetimeSeconds: '7200',
  })
  console.log(JSON.stringify(dialect, null, 2))
  console.log('\nRunning. Press Ctrl+C to stop.')
}

function stopOnSignals(servers: LocalServers[]): void {
  const stop = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: stopping the local servers…`)
    Promise.all(servers.map((each) => each.stop())).then(
      () => console.log('Stopped.'),
      (error: unknown) => {
        console.error('Failed to stop the local servers:', error)
        process.exitCode = 1
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main(): Promise<void> {
  const [servers, lab] = await Promise.all([
    startLocalServers(),
    startLocalServers({ audience: SECOND_API_AUDIENCE }),
  ])
  stopOnSignals([servers, lab])
  printSettings(servers, lab)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
