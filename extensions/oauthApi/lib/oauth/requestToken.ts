import { ActionError } from '../run/ActionError'
import type { Redactor } from '../run/redactor'
import { exchange } from '../http/exchange'
import { describeHttpFailure } from '../http/describeHttpFailure'
import { HttpFailure, type HttpRequest } from '../http/sendRequest'
import { authenticateClient } from './clientAuthentication'
import type { TokenClient } from './tokenClient'
import { describeTokenError, parseTokenSuccess, type TokenSet } from './tokenResponse'

/**
 * RFC 6749 §4.4.2: the client credentials grant. POSTs a form-encoded request with
 * grant_type=client_credentials (and scope, audience, resource and any extra parameters) to the
 * token endpoint, authenticating the client by its configured method, and reads the §5.1
 * response or the §5.2 error. Token requests are safe to repeat, so 429/5xx are retried.
 */
export const requestToken = async (
  client: TokenClient,
  tokenUrl: string,
  redactor: Redactor,
): Promise<TokenSet> => {
  const url = new URL(tokenUrl)
  const buildRequest = async (): Promise<HttpRequest> => {
    const { form, headers } = await tokenRequestContent(client, tokenUrl, redactor)
    return { method: 'POST', url, headers, body: form.toString(), ...client.limits }
  }
  const requestedAt = Date.now()
  let result
  try {
    result = await exchange(await buildRequest(), {
      retryable: true,
      mayFollowRedirect: (target) => target.origin === url.origin,
      renewForRetry: async (previous) => ({ ...(await buildRequest()), url: previous.url }),
    })
  } catch (error) {
    if (error instanceof HttpFailure) throw describeHttpFailure(error, 'The token request')
    throw error
  }
  const { response, retryNote, refusedRedirect } = result
  if (refusedRedirect !== undefined) {
    throw new ActionError(
      'SERVER_ERROR',
      `The token endpoint redirected to ${refusedRedirect.origin}, another origin; the redirect was not followed`,
    )
  }
  if (response.status >= 200 && response.status < 300) {
    const token = parseTokenSuccess(response, client.scope, requestedAt)
    redactor.add(token.accessToken)
    return token
  }
  const note = retryNote !== undefined ? ` (${retryNote})` : ''
  const category = response.status >= 400 && response.status < 500 ? 'BAD_REQUEST' : 'SERVER_ERROR'
  throw new ActionError(category, `${describeTokenError(response, redactor)}${note}`)
}

/**
 * The form and headers of a token request: grant_type=client_credentials (§4.4.2), scope,
 * audience, resource (RFC 8707 §2.1) and extra parameters, and the client's credentials.
 */
const tokenRequestContent = async (
  client: TokenClient,
  tokenUrl: string,
  redactor: Redactor,
): Promise<{ form: URLSearchParams; headers: Record<string, string> }> => {
  const form = new URLSearchParams({ grant_type: 'client_credentials' })
  if (client.scope !== undefined) form.set('scope', client.scope)
  if (client.audience !== undefined) form.set('audience', client.audience)
  if (client.resource !== undefined) form.set('resource', client.resource)
  for (const [name, value] of Object.entries(client.extraParams)) form.set(name, value)
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
  }
  await authenticateClient(client.credentials, tokenUrl, form, headers, redactor)
  return { form, headers }
}
