import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { apiHttpError, isSuccess, responseBodyDataPoint } from '../../lib/api/apiResponse'
import { buildApiRequest, type ApiRequestPlan } from '../../lib/api/buildApiRequest'
import { describeHttpFailure } from '../../lib/http/describeHttpFailure'
import { exchange, type ExchangeResult } from '../../lib/http/exchange'
import { isUnderBase, parseApiBase, type ApiBase } from '../../lib/http/resolveUnderBase'
import { isIdempotent } from '../../lib/http/retryPolicy'
import { HttpFailure } from '../../lib/http/sendRequest'
import { validateFields, validateSettings } from '../../lib/input/validateInput'
import { tokenClientFromSettings, type HttpLimits } from '../../lib/oauth/tokenClient'
import { renewedToken, tokenForCall } from '../../lib/oauth/tokenForCall'
import { infoEvent } from '../../lib/run/events'
import { onEventSafely } from '../../lib/run/onEventSafely'
import { dataPoints, fields, FieldsValidationSchema } from './config'

/**
 * Authenticated API call: sends the configured request under the API base URL with
 * `Authorization: Bearer <token>` (RFC 6750 §2.1). The token is the one handed in, or the
 * cache's; one that is about to expire is replaced first, and one the API refuses (401 or a
 * status in renewOnStatus) is renewed and the request sent once more.
 */
export const authenticatedApiCall: Action<typeof fields, typeof settings, keyof typeof dataPoints> =
  {
    key: 'authenticatedApiCall',
    title: 'Authenticated API call',
    description:
      'Calls the API under the configured base URL with an OAuth bearer token; response fields become data points.',
    category: Category.DATA,
    fields,
    dataPoints,
    // A preview in Studio would really POST, PUT or DELETE in the connected system.
    previewable: false,
    // Retries of the platform could repeat a POST; the action retries safe requests itself.
    supports_automated_retries: false,
    onEvent: onEventSafely('authenticatedApiCall', async ({ payload, redactor }) => {
      const settings = validateSettings(payload.settings)
      const input = validateFields(FieldsValidationSchema, payload.fields)
      const base = parseApiBase(settings.apiBaseUrl)
      const plan = buildApiRequest(input, base)
      const client = tokenClientFromSettings(settings, redactor)
      const what = `${plan.method} ${plan.url.pathname}`

      let token = await tokenForCall(client, redactor, {
        accessToken: input.accessToken,
        expiresAtMs: input.tokenExpiresAt,
      })
      let renewedAfterStatus: number | undefined
      let result = await send(plan, token.accessToken, base, client.limits, what)
      if (input.renewOnStatus.has(result.response.status)) {
        renewedAfterStatus = result.response.status
        token = await renewedToken(client, redactor, token.accessToken)
        result = await send(plan, token.accessToken, base, client.limits, what)
      }

      const { response } = result
      if (!isSuccess(response.status) && input.failOnHttpError) {
        throw apiHttpError(response, what, failureNotes(result, renewedAfterStatus), redactor)
      }
      const tokenNote =
        renewedAfterStatus !== undefined
          ? `token renewed after HTTP ${renewedAfterStatus}`
          : token.replaced
            ? 'expired token replaced'
            : input.accessToken !== undefined
              ? 'token from the accessToken field'
              : token.fetched
                ? 'new token fetched'
                : 'cached token'
      return {
        data_points: {
          statusCode: String(response.status),
          responseBody: responseBodyDataPoint(response.body),
          responseHeaders: JSON.stringify(response.headers),
          accessToken: token.accessToken,
          tokenRefreshed: String(token.replaced),
        },
        events: [infoEvent(`${what} answered HTTP ${response.status} (${tokenNote}).`)],
      }
    }),
  }

/** One request with the token; redirects are followed only while they stay under the base. */
const send = async (
  plan: ApiRequestPlan,
  accessToken: string,
  base: ApiBase,
  limits: HttpLimits,
  what: string,
): Promise<ExchangeResult> => {
  try {
    return await exchange(
      {
        method: plan.method,
        url: plan.url,
        headers: { ...plan.headers, Authorization: `Bearer ${accessToken}` },
        body: plan.body,
        ...limits,
      },
      {
        retryable: isIdempotent(plan.method),
        notRetryableReason: `${plan.method} is not repeated, so that no record is created twice`,
        mayFollowRedirect: (target) => isUnderBase(target, base),
      },
    )
  } catch (error) {
    if (error instanceof HttpFailure) throw describeHttpFailure(error, what)
    throw error
  }
}

const failureNotes = (result: ExchangeResult, renewedAfterStatus: number | undefined): string[] => {
  const notes: string[] = []
  if (result.refusedRedirect !== undefined) {
    notes.push(
      `it redirects to ${result.refusedRedirect.origin}${result.refusedRedirect.pathname}, outside the API base URL, so the redirect was not followed`,
    )
  }
  if (renewedAfterStatus !== undefined) {
    notes.push(
      `the token was renewed after HTTP ${renewedAfterStatus} and the retry was refused too`,
    )
  }
  if (result.retryNote !== undefined) notes.push(result.retryNote)
  return notes
}
