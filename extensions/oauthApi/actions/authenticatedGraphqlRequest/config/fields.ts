import { FieldType, type Field } from '@awell-health/extensions-core'
import { objectOfParsers, type ValueParser } from '../../../lib/input/objectOfParsers'
import {
  booleanValue,
  headerPairs,
  isoDateTime,
  optionalFieldText,
  statusList,
} from '../../../lib/input/valueParsers'
import {
  graphqlDocument,
  graphqlOperationName,
  graphqlRequest,
  graphqlVariables,
} from '../../../lib/graphql/graphqlDocument'
import { handedInToken } from '../../../lib/oauth/handedInToken'
import { fields as apiCallFields, FIELD_LIMITS } from '../../authenticatedApiCall/config/fields'
import { connection, connectionField } from '../../shared/fields'

export const fields = {
  query: {
    id: 'query',
    label: 'GraphQL document',
    description:
      'The query or mutation, e.g. query GetPatient($id: ID!) { patient(id: $id) { first_name } }. Data point variables may be inserted; prefer passing values as Variables.',
    type: FieldType.TEXT,
    required: true,
  },
  variables: {
    id: 'variables',
    label: 'Variables',
    description: 'A JSON object of variable values by name, e.g. {"id": "{{patient id}}"}.',
    type: FieldType.JSON,
    required: false,
  },
  operationName: {
    id: 'operationName',
    label: 'Operation name',
    description: 'Which operation to run when the document holds several.',
    type: FieldType.TEXT,
    required: false,
  },
  path: {
    id: 'path',
    label: 'Path',
    description:
      'The GraphQL endpoint under the API base URL, e.g. /graphql. Empty: the API base URL itself.',
    type: FieldType.TEXT,
    required: false,
  },
  accessToken: apiCallFields.accessToken,
  tokenExpiresAt: apiCallFields.tokenExpiresAt,
  renewOnStatus: apiCallFields.renewOnStatus,
  headers: apiCallFields.headers,
  failOnGraphqlErrors: {
    id: 'failOnGraphqlErrors',
    label: 'Fail on GraphQL errors',
    description:
      'On (default): an answer with GraphQL errors fails the step, even with HTTP 200. Off: the step completes with the data and errors data points so that the care flow can branch.',
    type: FieldType.BOOLEAN,
    required: false,
  },
  connection: connectionField,
} satisfies Record<string, Field>

/**
 * The fields, each read once; the document is parsed by graphql-js and the operation chosen
 * (GraphQL spec §6.1) before anything is sent.
 */
export const FieldsValidationSchema = objectOfParsers(
  {
    query: graphqlDocument,
    variables: graphqlVariables,
    operationName: graphqlOperationName,
    path: (value) => optionalFieldText(value) ?? '',
    accessToken: handedInToken,
    tokenExpiresAt: isoDateTime,
    renewOnStatus: statusList([401]),
    headers: headerPairs(FIELD_LIMITS.headers),
    failOnGraphqlErrors: booleanValue(true),
    connection,
  } satisfies Record<keyof typeof fields, ValueParser<unknown>>,
  ({ query, variables, operationName, ...rest }) => ({
    ...rest,
    request: graphqlRequest(query, variables, operationName),
  }),
)
