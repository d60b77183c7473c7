import type { ApiAccess } from '../api/apiAccess'
import { stringifyJson } from '../input/exactJson'
import { buildApiRequest } from '../api/buildApiRequest'
import type { ApiCall } from '../api/callApi'
import type { ApiBase } from '../api/resolveUnderBase'
import type { GivenToken } from '../oauth/tokenForCall'
import type { GraphqlRequest } from './graphqlDocument'

/**
 * GraphQL over HTTP (draft spec, "Accept" and "POST"): the client asks for the current media type
 * and the legacy one; a server that knows application/graphql-response+json answers request
 * errors with 4xx, others answer everything with 200.
 */
const GRAPHQL_ACCEPT = 'application/graphql-response+json, application/json'

export interface GraphqlCallInput {
  request: GraphqlRequest
  /** The endpoint under the API base URL; '' for the base URL itself. */
  path: string
  /** The designer's headers; they may replace Accept, never Authorization. */
  headers: ReadonlyArray<readonly [string, string]>
  given: GivenToken | undefined
  renewOnStatus: ReadonlySet<number>
}

/**
 * The API call of a GraphQL request: a POST of `{"query", "variables"?, "operationName"?}` as
 * application/json to the endpoint under the base URL. A query reads, so it is repeated like a
 * GET after 429/502/503/504 or a reset; a mutation writes (GraphQL spec §6.2.2), so it is sent
 * once — except after a 401 and a token renewal, which means the API did not run it.
 */
export const graphqlCall = (
  input: GraphqlCallInput,
  base: ApiBase,
  access?: ApiAccess,
): ApiCall => ({
  plan: buildApiRequest(
    {
      method: 'POST',
      path: input.path,
      query: [],
      headers: [['Accept', GRAPHQL_ACCEPT], ['Content-Type', 'application/json'], ...input.headers],
      // Serialized once, here (a GraphQL request, never empty).
      body: { format: 'json', text: stringifyJson(input.request.body), empty: false },
    },
    base,
    access,
  ),
  retryable: input.request.operation.type === 'query',
  notRepeated: 'mutation',
  given: input.given,
  renewOnStatus: input.renewOnStatus,
})
