import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { parseSettings } from '../../settings'
import {
  apiHttpFailure,
  isSuccess,
  responseBodyDataPoint,
  responseHeadersDataPoint,
} from '../../lib/api/apiResponse'
import { buildApiRequest } from '../../lib/api/buildApiRequest'
import { callApi, failureNotes, type ApiCall } from '../../lib/api/callApi'
import { isIdempotent } from '../../lib/http/retryPolicy'
import { parseInput } from '../../lib/input/parseInput'
import { infoEvent } from '../../lib/run/events'
import { onEventSafely } from '../../lib/run/onEventSafely'
import { startStep } from '../../lib/run/startStep'
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
      const settings = parseSettings(payload.settings)
      const input = parseInput(FieldsValidationSchema, payload.fields, 'field')
      const plan = buildApiRequest(input, settings.apiBase)
      const step = startStep(settings, redactor)
      const call: ApiCall = {
        plan,
        retryable: isIdempotent(plan.method),
        notRepeated: `${plan.method} is not repeated, so that no record is created twice`,
        given:
          input.accessToken !== undefined
            ? { accessToken: input.accessToken, expiresAtMs: input.tokenExpiresAt }
            : undefined,
        renewOnStatus: input.renewOnStatus,
      }
      const result = await callApi(call, settings.client, settings.apiBase, step)
      const { response } = result.exchange
      if (!isSuccess(response.status) && input.failOnHttpError) {
        throw apiHttpFailure(response, result.what, failureNotes(call, result), redactor)
      }
      const { token, renewedAfterStatus } = result
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
          responseBody: responseBodyDataPoint(response.body, redactor),
          responseHeaders: responseHeadersDataPoint(response.headers, redactor),
          accessToken: token.accessToken,
          tokenRefreshed: String(token.replaced),
        },
        events: [infoEvent(`${result.what} answered HTTP ${response.status} (${tokenNote}).`)],
      }
    }),
  }
