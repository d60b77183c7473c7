import { exchange, type ExchangeResult } from '../http/exchange'
import { HttpError } from '../http/HttpError'
import type { HttpRequest } from '../http/sendRequest'
import { transportFailure } from '../step/transportFailure'
import type { StepContext } from '../step/StepContext'
import { StepFailure } from '../step/StepFailure'
import { authenticateClient } from './clientAuthentication'
import { setGrantParameters } from './grant'
import type { TokenClient } from './TokenClient'
import {
  assertSendable,
  namesOAuthError,
  parseTokenSuccess,
  tokenErrorFailure,
  type TokenSet,
} from './tokenResponse'

/** Parameters that the extension sets itself; extra token parameters may not override them. */
export const RESERVED_TOKEN_PARAMS: ReadonlySet<string> = new Set([
  'grant_type',
  'assertion',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'scope',
  'audience',
  'resource',
])

/** A token request as it was answered, before the answer is read. */
export interface TokenExchange {
  tokenUrl: URL
  result: ExchangeResult
  /** Epoch ms: when the request was first sent, and when its final answer arrived. */
  requestedAtMs: number
  answeredAtMs: number
}

/**
 * RFC 6749 §4.4.2: the client credentials grant, or RFC 7523 §2.1: the JWT bearer grant. POSTs a
 * form-encoded request (or, in the JSON dialect, a JSON object) with the grant (and scope,
 * audience, resource and any extra parameters) to the token endpoint, authenticating the client by
 * its configured method, and reads the §5.1 response (in the client's dialect: see dialect.ts) or
 * the §5.2 error. Token requests are safe to repeat, so 429/5xx are retried.
 */
export const requestToken = async (
  client: TokenClient,
  tokenUrl: URL,
  step: StepContext,
): Promise<TokenSet> =>
  readTokenExchange(client, await sendTokenRequest(client, tokenUrl, step), step)

/** Sends the token request (retries and same-origin redirects included); transport failures throw. */
export const sendTokenRequest = async (
  client: TokenClient,
  tokenUrl: URL,
  step: StepContext,
): Promise<TokenExchange> => {
  const buildRequest = (url: URL): HttpRequest => {
    const { body, headers } = tokenRequestContent(client, tokenUrl, step)
    return {
      method: 'POST',
      url,
      headers,
      body,
      deadline: step.deadline,
      maxResponseBytes: step.maxResponseBytes,
      tls: step.tls,
    }
  }
  const requestedAtMs = Date.now()
  try {
    const result = await exchange(buildRequest(tokenUrl), {
      retryable: true,
      redirectRefusal: (target) =>
        target.origin === tokenUrl.origin ? undefined : 'another origin',
      // A fresh client assertion for each attempt: RFC 7523 §3 item 7 lets servers refuse a jti twice.
      // (A signing failure then rejects, as it throws on the first attempt.)
      renewForRetry: (previous) => new Promise((resolve) => resolve(buildRequest(previous.url))),
    })
    return { tokenUrl, result, requestedAtMs, answeredAtMs: Date.now() }
  } catch (error) {
    if (error instanceof HttpError) throw transportFailure(error, 'token request')
    throw error
  }
}

/** The token of a §5.1 answer, or the failure its §5.2 error (or its redirect) makes. */
export const readTokenExchange = (
  client: TokenClient,
  exchanged: TokenExchange,
  step: StepContext,
): TokenSet => {
  const { response, gaveUp, attempts, refusedRedirect } = exchanged.result
  if (refusedRedirect !== undefined) {
    throw new StepFailure({ kind: 'token redirect', redirect: refusedRedirect })
  }
  // RFC 6749 §5.2: an answer naming an OAuth error is that error, whatever its status (some
  // servers answer 200 with {"error": "invalid_client"}).
  if (response.status >= 200 && response.status < 300 && !namesOAuthError(response.body)) {
    const token = assertSendable(
      parseTokenSuccess(response, client.scope, exchanged.requestedAtMs, client.dialect),
      client.dialect,
    )
    step.redactor.add(token.accessToken)
    return token
  }
  throw tokenErrorFailure(response, step.redactor, { attempts, gaveUp })
}

/**
 * How far the token endpoint's clock is ahead of this machine's, in whole seconds, from its Date
 * header (RFC 9110 §6.6.1: whole seconds, so half a second is added back); undefined without a
 * readable Date header. Client assertions carry iat and exp (RFC 7523 §3), so a large skew makes
 * servers refuse them.
 */
export const clockSkewSeconds = (exchanged: TokenExchange): number | undefined => {
  const date = exchanged.result.response.headers['date']
  const dateMs = date === undefined ? Number.NaN : Date.parse(date)
  if (Number.isNaN(dateMs)) return undefined
  return Math.round((dateMs + 500 - exchanged.answeredAtMs) / 1000)
}

/**
 * The body and headers of a token request: the grant (client_credentials, §4.4.2, or the JWT
 * bearer grant's assertion, RFC 7523 §2.1), scope (unless it is in the assertion), audience,
 * resource (RFC 8707 §2.1) and extra parameters, and the client's credentials — as a form
 * (§4.4.2), or, for token endpoints that take only JSON (tokenRequestFormat "json"), the same
 * parameters as one JSON object.
 */
const tokenRequestContent = (
  client: TokenClient,
  tokenUrl: URL,
  step: StepContext,
): { body: string; headers: Record<string, string> } => {
  const form = new URLSearchParams()
  const { scopeSent } = setGrantParameters(
    client.grant,
    tokenUrl,
    client.scope,
    form,
    step.redactor,
  )
  if (client.scope !== undefined && !scopeSent) form.set('scope', client.scope)
  if (client.audience !== undefined) form.set('audience', client.audience)
  if (client.resource !== undefined) form.set('resource', client.resource)
  for (const [name, value] of Object.entries(client.extraParams)) form.set(name, value)
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
  }
  authenticateClient(client.auth, tokenUrl, form, headers, step.redactor)
  if (client.dialect.requestFormat === 'form') return { body: form.toString(), headers }
  headers['Content-Type'] = 'application/json'
  const params: Record<string, string> = {}
  for (const [name, value] of form) params[name] = value
  return { body: JSON.stringify(params), headers }
}
