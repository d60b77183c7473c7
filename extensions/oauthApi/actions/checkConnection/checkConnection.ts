import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { parseSettings } from '../../settings'
import { apiHttpFailure, isSuccess } from '../../lib/api/apiResponse'
import { buildApiRequest, type ApiRequestPlan } from '../../lib/api/buildApiRequest'
import { exchangeFacts, sendWithToken, type ApiCall } from '../../lib/api/callApi'
import type { ApiBase } from '../../lib/api/resolveUnderBase'
import { fieldsInput } from '../../lib/input/fieldSchemas'
import { parseInput } from '../../lib/input/parseInput'
import { discoverTokenEndpoint } from '../../lib/oauth/discovery'
import {
  clockSkewSeconds,
  readTokenExchange,
  sendTokenRequest,
  type TokenExchange,
} from '../../lib/oauth/requestToken'
import { pathText } from '../../lib/oauth/dialect'
import { readTokenShape, type TokenShape } from '../../lib/oauth/tokenClaims'
import type { TokenClient } from '../../lib/oauth/TokenClient'
import { scopesNotGranted, type TokenSet } from '../../lib/oauth/tokenResponse'
import { infoEvent } from '../../lib/run/events'
import { secondsUntilExpiry } from '../../lib/oauth/tokenLifetime'
import { onEventSafely } from '../../lib/run/onEventSafely'
import type { StepContext } from '../../lib/step/StepContext'
import { apiFailureAdvice, clockWarning, tokenFailureAdvice, withAdvice } from './advice'
import { dataPoints, fields, FieldsValidationSchema } from './config'

/** The fields as Studio sends them. */
const inputSchema = fieldsInput(FieldsValidationSchema)

/**
 * Check OAuth connection: what a designer runs from Studio's preview while setting up. Discovery
 * (when configured), a fresh token request — not from the token cache, and not stored in it, so
 * the check changes nothing for running care flows — and, when a path is given, a GET under the
 * API base URL with that token. It reports what the server granted, the token's claims and the
 * clock skew; a failure says what to check. The token itself goes nowhere.
 */
export const checkConnection: Action<typeof fields, typeof settings, keyof typeof dataPoints> = {
  key: 'checkConnection',
  title: 'Check OAuth connection',
  description:
    'Checks the extension settings: requests a new token, reports the granted scope, the token claims and the clock skew, and optionally tries the token on a GET under the API base URL.',
  category: Category.DATA,
  fields,
  dataPoints,
  // Run from Studio while setting up: it sends a token request and at most one GET.
  previewable: true,
  supports_automated_retries: false,
  onEvent: onEventSafely('checkConnection', async ({ payload, startStep }) => {
    const settings = parseSettings(payload.settings, payload.fields?.connection)
    const input = parseInput(inputSchema, payload.fields, 'field')
    const plan =
      input.path === undefined
        ? undefined
        : buildApiRequest(
            { method: 'GET', path: input.path, query: [], headers: [] },
            settings.apiBase,
            settings.apiAccess,
          )
    const step = startStep(settings)
    const { client } = settings
    const tokenUrl =
      client.endpoint.kind === 'url'
        ? client.endpoint.url
        : await discoverTokenEndpoint(client.endpoint.issuer, client.connection, step, {
            fresh: true,
          })
    const { token, skewSeconds } = await freshToken(client, tokenUrl, step)
    const shape = readTokenShape(token.accessToken)
    const apiStatusCode =
      plan === undefined
        ? undefined
        : await tryToken(plan, token.accessToken, shape, settings.apiBase, step)

    const notGranted = scopesNotGranted(token, client.scope)
    const expiresIn = secondsUntilExpiry(token.expiresAtMs)
    return {
      data_points: {
        tokenEndpoint: tokenUrl.href,
        clientAuthMethod: client.auth.method,
        grantedScope: token.scope,
        scopesNotGranted: notGranted.join(' '),
        expiresIn: expiresIn !== undefined ? String(expiresIn) : undefined,
        tokenFormat: shape.format,
        tokenClaims: shape.format === 'jwt' ? JSON.stringify(shape.claims) : undefined,
        clockSkewSeconds: skewSeconds !== undefined ? String(skewSeconds) : undefined,
        apiStatusCode: apiStatusCode !== undefined ? String(apiStatusCode) : undefined,
        tokenField: pathText(client.dialect.tokenPath),
        lifetimeSource: token.lifetimeSource,
      },
      events: [
        infoEvent(
          summary({
            tokenUrl,
            discovered: client.endpoint.kind === 'issuer',
            client,
            token,
            notGranted,
            expiresIn,
            shape,
            skewSeconds,
            apiCall: plan !== undefined ? { plan, status: apiStatusCode } : undefined,
          }),
        ),
      ],
    }
  }),
}

/** A new token from the endpoint (never the cache's), with the clock skew its Date header shows. */
const freshToken = async (
  client: TokenClient,
  tokenUrl: URL,
  step: StepContext,
): Promise<{ token: TokenSet; skewSeconds: number | undefined }> => {
  let exchanged: TokenExchange
  try {
    exchanged = await sendTokenRequest(client, tokenUrl, step)
  } catch (error) {
    throw withAdvice(error, tokenFailureAdvice(error, client, undefined))
  }
  const skewSeconds = clockSkewSeconds(exchanged)
  try {
    return { token: readTokenExchange(client, exchanged, step), skewSeconds }
  } catch (error) {
    throw withAdvice(error, tokenFailureAdvice(error, client, skewSeconds))
  }
}

/** The GET under the API base URL with the new token; its status, or a failure with advice. */
const tryToken = async (
  plan: ApiRequestPlan,
  accessToken: string,
  shape: TokenShape,
  base: ApiBase,
  step: StepContext,
): Promise<number> => {
  const request = { method: 'GET', path: plan.url.pathname }
  // A GET, which is retried: it has no reason not to be repeated.
  const call: Pick<ApiCall, 'plan' | 'retryable' | 'notRepeated'> = { plan, retryable: true }
  let exchanged
  try {
    exchanged = await sendWithToken(call, accessToken, base, step, request)
  } catch (error) {
    throw withAdvice(error, apiFailureAdvice(undefined, shape))
  }
  const { response } = exchanged
  if (!isSuccess(response.status)) {
    const failure = apiHttpFailure(
      response,
      request,
      exchangeFacts(call, { exchange: exchanged, renewedAfterStatus: undefined }),
      step.redactor,
    )
    throw withAdvice(failure, apiFailureAdvice(response.status, shape))
  }
  return response.status
}

/** The step's event: one paragraph a designer reads in the preview. */
/** Who the token was issued to: the client and its authentication, or the JWT bearer grant's issuer. */
const whoAsked = ({ auth, grant }: TokenClient): string => {
  const bearer =
    grant.type === 'jwt_bearer' ? ` with a JWT bearer assertion of "${grant.issuer}"` : ''
  return auth.method === 'none'
    ? `the client${bearer}`
    : `client "${auth.clientId}" (${auth.method})${bearer}`
}

const summary = (check: {
  tokenUrl: URL
  discovered: boolean
  client: TokenClient
  token: TokenSet
  notGranted: string[]
  expiresIn: number | undefined
  shape: TokenShape
  skewSeconds: number | undefined
  apiCall: { plan: ApiRequestPlan; status: number | undefined } | undefined
}): string => {
  const { token } = check
  const sentences = [
    `Connection checked: the token endpoint ${check.tokenUrl.href}${check.discovered ? ' (discovered from the issuer)' : ''} issued a new token to ${whoAsked(check.client)}.`,
    token.grantedScope !== undefined
      ? `Granted scope: "${token.grantedScope}".`
      : token.scope !== undefined
        ? `The server did not state the scope (RFC 6749 §5.1: then it is the one requested, "${token.scope}").`
        : 'No scope was requested or stated.',
  ]
  if (check.notGranted.length > 0) {
    sentences.push(`Not granted: "${check.notGranted.join(' ')}".`)
  }
  sentences.push(
    `${check.shape.format === 'jwt' ? 'A JWT' : 'An opaque token'} read from "${pathText(check.client.dialect.tokenPath)}", ${check.expiresIn !== undefined ? `valid for ${check.expiresIn} s (${lifetimeNote(check.client, token)})` : 'lifetime not stated by the server'}.`,
  )
  sentences.push(
    check.skewSeconds !== undefined
      ? `Clock skew (token endpoint minus this machine): ${check.skewSeconds} s.`
      : 'The token endpoint sent no Date header, so the clock skew is unknown.',
  )
  const warning = clockWarning(check.client, check.skewSeconds)
  if (warning !== undefined) sentences.push(warning)
  if (check.apiCall !== undefined) {
    sentences.push(
      `GET ${check.apiCall.plan.url.pathname} with the token answered HTTP ${check.apiCall.status}.`,
    )
  }
  return sentences.join(' ')
}

/** Where the token's lifetime came from, in the event's words. */
const lifetimeNote = (client: TokenClient, token: TokenSet): string => {
  const { dialect } = client
  switch (token.lifetimeSource) {
    case 'expiresIn':
      return `from "${pathText(dialect.expiresInPath)}"`
    case 'expiresAt':
      return `from the expiry at "${pathText(dialect.expiresAtPath ?? [])}"`
    case 'jwtExp':
      return "from the JWT's exp claim"
    case 'tokenLifetimeSeconds':
      return 'assumed from tokenLifetimeSeconds, as the server did not state it'
    case 'unknown':
      return 'unknown'
  }
}
