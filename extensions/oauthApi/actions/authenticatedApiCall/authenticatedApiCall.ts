import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { parseSettings } from '../../settings'
import {
  apiHttpFailure,
  isSuccess,
  resolvedLocationHeader,
  responseHeadersDataPoint,
} from '../../lib/api/apiResponse'
import { buildApiRequest } from '../../lib/api/buildApiRequest'
import { callApi, exchangeFacts, type ApiCall } from '../../lib/api/callApi'
import { tokenNote } from '../../lib/api/tokenNote'
import { reportedUrl } from '../../lib/api/tokenPlacement'
import { pagesJson, readPages } from '../../lib/api/paging'
import { decodeResponseBody } from '../../lib/api/responseBody'
import { isIdempotent } from '../../lib/http/retryPolicy'
import { parseInput } from '../../lib/input/parseInput'
import { infoEvent } from '../../lib/run/events'
import { onEventSafely } from '../../lib/run/onEventSafely'
import { requestText } from '../../lib/run/requestWording'
import { ApiCallInputSchema, dataPoints, fields } from './config'

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
    onEvent: onEventSafely(
      'authenticatedApiCall',
      async ({ payload, redactor, helpers, startStep }) => {
        const settings = parseSettings(payload.settings, payload.fields?.connection)
        const input = parseInput(ApiCallInputSchema, payload.fields, 'field')
        const plan = buildApiRequest(input, settings.apiBase, settings.apiAccess)
        const step = startStep(settings, helpers)
        const call: ApiCall = {
          plan,
          // RFC 9110 §9.2.2, and the Idempotency-Key draft §2: with a key, the API recognises a
          // repeated POST or PATCH, so it may be sent again like a PUT.
          retryable: isIdempotent(plan.method) || input.idempotencyKey !== undefined,
          notRepeated: 'unsafe method',
          given:
            input.accessToken !== undefined
              ? { token: input.accessToken, expiresAtMs: input.tokenExpiresAt }
              : undefined,
          renewOnStatus: input.renewOnStatus,
        }
        const first = await callApi(call, settings.client, settings.apiBase, step)
        const { response } = first.exchange
        if (!isSuccess(response.status) && input.failOnHttpError) {
          throw apiHttpFailure(response, first.request, exchangeFacts(call, first), redactor)
        }
        const pages = isSuccess(response.status)
          ? await readPages(first, call, input.maxPages, settings.client, settings.apiBase, step)
          : {
              calls: [first],
              bodies: [decodeResponseBody(response, redactor)],
              nextPageUrl: undefined,
            }
        const last = pages.calls[pages.calls.length - 1]
        // A renewal on a later page is what the event tells; else how the first page got its token.
        const renewed = pages.calls.find((page) => page.renewedAfterStatus !== undefined) ?? first
        const replaced = pages.calls.some((page) => page.token.replaced)
        const note = tokenNote(renewed)
        const location = resolvedLocationHeader(response)
        const pageNote =
          pages.calls.length > 1 || pages.nextPageUrl !== undefined
            ? `; ${pages.calls.length} page(s)${pages.nextPageUrl !== undefined ? ', more available (nextPageUrl)' : ''}`
            : ''
        return {
          data_points: {
            statusCode: String(response.status),
            responseBody: pagesJson(pages.bodies, redactor),
            responseHeaders: responseHeadersDataPoint(response.headers, redactor),
            tokenRefreshed: String(replaced),
            location:
              location === undefined ? undefined : reportedUrl(location, plan.tokenPlacement),
            pageCount: String(pages.calls.length),
            nextPageUrl: pages.nextPageUrl,
          },
          // The token the last request was sent with: as it is, or as a reference (tokenDataPoints).
          token: {
            accessToken: last.token.accessToken,
            cacheKey: settings.client.cacheKey,
            expiresAtMs: last.token.expiresAtMs,
            mode: settings.tokenDataPoints,
          },
          events: [
            infoEvent(
              `${requestText(first.request)} answered HTTP ${response.status} (${note}${pageNote}).`,
            ),
          ],
        }
      },
    ),
  }
