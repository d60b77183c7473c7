/**
 * `npm run demo`: the care-flow round trip against a real OAuth 2.0 authorization server
 * (oidc-provider) and a FHIR-flavoured API that verifies the JWT (jose), both on loopback — and a
 * second system (its own authorization server, client and API audience) reached through the
 * named connection "lab" in the same care flow.
 */
import { extensions } from '../extensions'
import { obfuscatedValues } from '../cli/secrets'
import { GRAPHQL_PATH } from '../servers/graphqlApi'
import { allowLoopbackUnlessSet } from '../servers/allowLoopback'
import { SECOND_API_AUDIENCE, startLocalServers } from '../servers/startLocalServers'
import { runDialects } from './dialects'
import { runRoundTrip } from './roundTrip'
import { formatTranscript } from './transcript'

const PATIENT_ID = 'example'
const OTHER_CONNECTION = 'lab'

const main = async (): Promise<number> => {
  const started = Date.now()
  const opened = allowLoopbackUnlessSet()
  const [servers, lab] = await Promise.all([
    startLocalServers(),
    startLocalServers({ audience: SECOND_API_AUDIENCE }),
  ])
  try {
    const settings: Record<string, string> = {
      ...servers.settingsFor('basic'),
      connections: JSON.stringify({ [OTHER_CONNECTION]: lab.settingsFor('basic') }),
    }
    const [oauthApi] = extensions
    console.log(
      'oauthApi demo: a care flow calling an OAuth-protected FHIR API and its GraphQL endpoint, all on this machine',
    )
    console.log(`  authorization server (oidc-provider): ${servers.issuer}`)
    console.log(`  token URL:                            ${settings.tokenUrl}`)
    console.log(`  protected API (jose JWT checks):      ${settings.apiBaseUrl}`)
    console.log(`  GraphQL endpoint (graphql-js):        ${settings.apiBaseUrl}${GRAPHQL_PATH}`)
    console.log(
      `  client authentication:                ${settings.clientAuthMethod}, scope "${settings.scope}"`,
    )
    if (opened !== undefined) console.log(`  network policy:                       ${opened}`)
    console.log(`  connection "${OTHER_CONNECTION}" (a second system):`)
    console.log(`    authorization server:               ${lab.issuer}`)
    console.log(`    protected API (audience ${lab.apiAudience}): ${lab.apiBaseUrl}`)
    const trip = await runRoundTrip(extensions, settings, PATIENT_ID, {
      otherConnection: OTHER_CONNECTION,
    })
    process.stdout.write(formatTranscript(trip, obfuscatedValues(oauthApi, settings)))
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (trip.failedStep !== undefined) {
      const event = trip.failedStep.result.events.find((candidate) => candidate.error !== undefined)
      console.error(
        `Demo failed at "${trip.failedStep.title}": ${event?.error?.message ?? trip.failedStep.result.status}`,
      )
      return 1
    }
    // The calls between the token and the connection check, which comes last.
    const statuses = trip.steps
      .slice(1, -1)
      .map((step) => `${step.request} ${step.result.data_points.statusCode}`)
    const check = trip.steps[trip.steps.length - 1].result.data_points
    console.log(
      `Connection check: granted "${check.grantedScope ?? ''}", a ${check.tokenFormat ?? '?'} token, clock skew ${check.clockSkewSeconds ?? '?'} s, GET /metadata ${check.apiStatusCode ?? '?'}.`,
    )
    const [main, other] = await Promise.all([servers.stats(), lab.stats()])
    console.log(
      `Round trip complete in ${seconds} s: ${statuses.join(', ')}; default connection: ${main.tokenRequests} token request(s), ${main.apiRequests} API request(s); "${OTHER_CONNECTION}": ${other.tokenRequests} token request(s), ${other.apiRequests} API request(s), each token to its own API.`,
    )
    const dialects = await runDialects(extensions, servers.dialects)
    console.log('Vendor dialects (servers/dialectServers.ts), checked with Check OAuth connection:')
    for (const line of dialects) console.log(`  ${line.ok ? '✓' : '✗'} ${line.text}`)
    return dialects.every((line) => line.ok) ? 0 : 1
  } finally {
    await Promise.all([servers.stop(), lab.stop()])
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `Demo failed: ${error instanceof Error ? error.name : 'error'}: ${error instanceof Error ? error.message : ''}`,
    )
    process.exit(1)
  },
)
