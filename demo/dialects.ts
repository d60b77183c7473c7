import type { Extension } from '@awell-health/extensions-core'
import { findAction } from '../cli/findAction'
import { runToResult } from '../cli/runResult'
import type { DialectApiMode, DialectServers } from '../servers/dialectServers'

/** A token endpoint's dialect paired with an API's token placement, as one configuration. */
const PAIRS: Array<{
  endpoint: Parameters<DialectServers['settingsFor']>[0]
  mode: DialectApiMode
  extra?: Record<string, string>
  what: string
}> = [
  {
    endpoint: 'salesforce',
    mode: 'dock',
    extra: { tokenLifetimeSeconds: '7200' },
    what: 'Salesforce-shaped token (no lifetime) → Bearer + Dock Health fixed headers',
  },
  {
    endpoint: 'bcda',
    mode: 'freshsales',
    what: 'BCDA-style "expires_in": "3600" (a string) → Token token=…',
  },
  { endpoint: 'nested', mode: 'stedi', what: 'nested data.token → bare Authorization' },
  { endpoint: 'absolute', mode: 'custom', what: 'idToken + expiresAt → X-Access-Token' },
  { endpoint: 'json', mode: 'query', what: 'JSON-only token endpoint → ?access_token=' },
  { endpoint: 'typed', mode: 'healthie', what: 'token_type "Token" → Basic + AuthorizationSource' },
]

export interface DialectLine {
  text: string
  ok: boolean
}

/**
 * Vendor dialects (issue 21): for each pair, Check OAuth connection with a GET under the API base,
 * through the real registry and handlers; one line each: where the token was read, where its
 * lifetime came from, and the API's status.
 */
export const runDialects = async (
  registry: readonly Extension[],
  dialects: DialectServers,
): Promise<DialectLine[]> => {
  const lines: DialectLine[] = []
  for (const pair of PAIRS) {
    const result = await runToResult({
      ref: findAction(registry, 'oauthApi/checkConnection'),
      fields: { path: '/echo' },
      settings: dialects.settingsFor(pair.endpoint, pair.mode, pair.extra),
      warn: () => undefined,
    })
    const points = result.data_points
    const ok = result.status === 'complete' && points.apiStatusCode === '200'
    const failure = result.events.find((event) => event.error !== undefined)?.error?.message
    lines.push({
      ok,
      text: ok
        ? `${pair.what}: token from "${points.tokenField ?? '?'}", lifetime ${points.expiresIn ?? '?'} s (${points.lifetimeSource ?? '?'}), GET /api/${pair.mode}/echo ${points.apiStatusCode ?? '?'}`
        : `${pair.what}: FAILED ${failure ?? result.status}`,
    })
  }
  return lines
}
