/**
 * `npm run demo`: the care-flow round trip against a real OAuth 2.0 authorization server
 * (oidc-provider) and a FHIR-flavoured API that verifies the JWT (jose), both on loopback.
 */
import { extensions } from '../extensions'
import { obfuscatedValues } from '../cli/secrets'
import { GRAPHQL_PATH } from '../servers/graphqlApi'
import { allowLoopbackUnlessSet } from '../servers/allowLoopback'
import { startLocalServers } from '../servers/startLocalServers'
import { runRoundTrip } from './roundTrip'
import { formatTranscript } from './transcript'

const PATIENT_ID = 'example'

const main = async (): Promise<number> => {
  const started = Date.now()
  const opened = allowLoopbackUnlessSet()
  const servers = await startLocalServers()
  try {
    const settings = servers.settingsFor('basic')
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
    const trip = await runRoundTrip(extensions, settings, PATIENT_ID)
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
    const { tokenRequests, apiRequests } = await servers.stats()
    console.log(
      `Round trip complete in ${seconds} s: ${statuses.join(', ')}; ${tokenRequests} token request(s), ${apiRequests} API request(s).`,
    )
    return 0
  } finally {
    await servers.stop()
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
