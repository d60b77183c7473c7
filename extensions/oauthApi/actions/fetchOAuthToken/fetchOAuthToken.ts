import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { parseSettings } from '../../settings'
import { fieldsInput } from '../../lib/input/fieldSchemas'
import { parseInput } from '../../lib/input/parseInput'
import { obtainAccessToken } from '../../lib/oauth/obtainAccessToken'
import { withScope } from '../../lib/oauth/TokenClient'
import { scopesNotGranted } from '../../lib/oauth/tokenResponse'
import { infoEvent } from '../../lib/run/events'
import { secondsUntilExpiry } from '../../lib/oauth/tokenLifetime'
import { onEventSafely } from '../../lib/run/onEventSafely'
import { dataPoints, fields, FieldsValidationSchema } from './config'

/** The fields as Studio sends them. */
const inputSchema = fieldsInput(FieldsValidationSchema, { asIs: ['forceRefresh'] })

/**
 * Fetch OAuth token: the client credentials grant (RFC 6749 §4.4), with the token cached in the
 * process and shared between concurrent runs. The token goes into the accessToken data point (or,
 * with tokenDataPoints = reference, only a reference to it) and nowhere else.
 */
export const fetchOAuthToken: Action<typeof fields, typeof settings, keyof typeof dataPoints> = {
  key: 'fetchOAuthToken',
  title: 'Fetch OAuth token',
  description:
    'Gets an access token with the OAuth 2.0 client credentials grant and saves it as a data point.',
  category: Category.DATA,
  fields,
  dataPoints,
  previewable: true,
  supports_automated_retries: false,
  onEvent: onEventSafely('fetchOAuthToken', async ({ payload, startStep }) => {
    const settings = parseSettings(payload.settings, payload.fields?.connection)
    const input = parseInput(inputSchema, payload.fields, 'field')
    const step = startStep(settings)
    const client = withScope(settings.client, input.scope)
    const { token, source } = await obtainAccessToken(client, step, {
      bypassCache: input.forceRefresh,
    })
    const expiresIn = secondsUntilExpiry(token.expiresAtMs)
    const lifetime =
      expiresIn !== undefined
        ? `valid for ${expiresIn} s`
        : 'lifetime unknown (not stated by the server, or beyond a year)'
    const scope = token.scope !== undefined ? `scope "${token.scope}"` : 'no scope'
    const notGranted = scopesNotGranted(token, client.scope)
    // RFC 6749 §5.1: a server that grants less than asked says so in "scope".
    const notGrantedNote = notGranted.length > 0 ? `; not granted: "${notGranted.join(' ')}"` : ''
    const how = {
      cache: 'Reused a cached OAuth token',
      loaded: 'Fetched a new OAuth token',
      shared: 'Fetched a new OAuth token (one request shared with concurrent runs)',
    }[source]
    return {
      data_points: {
        tokenType: token.tokenType,
        expiresIn: expiresIn !== undefined ? String(expiresIn) : undefined,
        expiresAt:
          token.expiresAtMs !== undefined ? new Date(token.expiresAtMs).toISOString() : undefined,
        scope: token.scope,
        scopesNotGranted: notGranted.join(' '),
      },
      token: {
        accessToken: token.accessToken,
        cacheKey: client.cacheKey,
        expiresAtMs: token.expiresAtMs,
        mode: settings.tokenDataPoints,
      },
      events: [infoEvent(`${how}: ${lifetime}, ${scope}${notGrantedNote}.`)],
    }
  }),
}
