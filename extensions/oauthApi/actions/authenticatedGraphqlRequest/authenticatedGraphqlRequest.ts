import { Category, type Action } from '@awell-health/extensions-core'
import type { settings } from '../../settings'
import { parseSettings } from '../../settings'
import { apiHttpFailure, isSuccess } from '../../lib/api/apiResponse'
import { callApi, exchangeFacts } from '../../lib/api/callApi'
import { tokenNote } from '../../lib/api/tokenNote'
import { graphqlCall } from '../../lib/graphql/graphqlCall'
import type { GraphqlOperation } from '../../lib/graphql/graphqlDocument'
import {
  graphqlErrorFacts,
  graphqlErrorsFailure,
  graphqlErrorsInBody,
  readGraphqlResponse,
} from '../../lib/graphql/graphqlResponse'
import { parseInput } from '../../lib/input/parseInput'
import { infoEvent } from '../../lib/run/events'
import { graphqlErrorsText } from '../../lib/run/graphqlSentences'
import { onEventSafely } from '../../lib/run/onEventSafely'
import { requestText } from '../../lib/run/requestWording'
import { dataPoints, fields, GraphqlInputSchema } from './config'
import { stringifyJson } from '../../lib/input/exactJson'

/**
 * Authenticated GraphQL request: POSTs a GraphQL document with its variables to the endpoint
 * under the API base URL with `Authorization: Bearer <token>` (RFC 6750 §2.1), with the token
 * handling, limits and error contract of Authenticated API call. A 2xx answer with `errors`
 * (GraphQL spec §7.1.2) fails the step unless the designer turned that off.
 */
export const authenticatedGraphqlRequest: Action<
  typeof fields,
  typeof settings,
  keyof typeof dataPoints
> = {
  key: 'authenticatedGraphqlRequest',
  title: 'Authenticated GraphQL request',
  description:
    'Sends a GraphQL query or mutation to the API under the configured base URL with an OAuth bearer token; the data and errors become data points.',
  category: Category.DATA,
  fields,
  dataPoints,
  // A preview in Studio would really run a mutation in the connected system.
  previewable: false,
  // Retries of the platform could repeat a mutation; the action repeats queries itself.
  supports_automated_retries: false,
  onEvent: onEventSafely(
    'authenticatedGraphqlRequest',
    async ({ payload, redactor, startStep }) => {
      const settings = parseSettings(payload.settings, payload.fields?.connection)
      const input = parseInput(GraphqlInputSchema, payload.fields, 'field')
      const call = graphqlCall(
        {
          request: input.request,
          path: input.path,
          headers: input.headers,
          given:
            input.accessToken !== undefined
              ? { token: input.accessToken, expiresAtMs: input.tokenExpiresAt }
              : undefined,
          renewOnStatus: input.renewOnStatus,
        },
        settings.apiBase,
        settings.apiAccess,
      )
      const step = startStep(settings)
      const result = await callApi(call, settings.client, settings.apiBase, step)
      const { response } = result.exchange
      if (!isSuccess(response.status)) {
        throw apiHttpFailure(
          response,
          result.request,
          exchangeFacts(call, result),
          redactor,
          graphqlErrorsInBody(redactor),
        )
      }
      const { data, errors } = readGraphqlResponse(response, result.request, redactor)
      if (errors !== undefined && input.failOnGraphqlErrors) {
        throw graphqlErrorsFailure(response.status, result.request, errors, redactor)
      }
      const outcome =
        errors === undefined
          ? 'without GraphQL errors'
          : `with ${graphqlErrorsText(graphqlErrorFacts(errors, redactor))}, kept in the errors data point`
      const note = tokenNote(result)
      return {
        data_points: {
          data: data === null ? null : stringifyJson(data),
          errors: errors === undefined ? null : stringifyJson(errors),
          statusCode: String(response.status),
          tokenRefreshed: String(result.token.replaced),
        },
        // The token actually sent: as it is, or as a reference (tokenDataPoints).
        token: {
          accessToken: result.token.accessToken,
          cacheKey: settings.client.cacheKey,
          expiresAtMs: result.token.expiresAtMs,
          mode: settings.tokenDataPoints,
        },
        events: [
          infoEvent(
            `${operationLabel(input.request.operation)}: ${requestText(result.request)} answered HTTP ${response.status} ${outcome} (${note}).`,
          ),
        ],
      }
    },
  ),
}

/** "Query GetPatient", "Anonymous mutation". */
const operationLabel = ({ type, name }: GraphqlOperation): string =>
  name !== undefined ? `${type === 'query' ? 'Query' : 'Mutation'} ${name}` : `Anonymous ${type}`
