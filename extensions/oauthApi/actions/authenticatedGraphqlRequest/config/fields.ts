import { FieldType, type Field } from '@awell-health/extensions-core'
import { z, type ZodTypeAny } from 'zod'
import { fieldsInput, flag, optionalText, parsedBy } from '../../../lib/input/fieldSchemas'
import {
  graphqlDocument,
  graphqlOperationName,
  graphqlRequest,
  graphqlVariables,
} from '../../../lib/graphql/graphqlDocument'
import { DEFAULT_RENEW_ON_STATUS, sharedFieldSchemas, sharedFields } from '../../shared/fields'

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
  accessToken: sharedFields.accessToken,
  tokenExpiresAt: sharedFields.tokenExpiresAt,
  renewOnStatus: sharedFields.renewOnStatus,
  headers: sharedFields.headers,
  failOnGraphqlErrors: {
    id: 'failOnGraphqlErrors',
    label: 'Fail on GraphQL errors',
    description:
      'On (default): an answer with GraphQL errors fails the step, even with HTTP 200. Off: the step completes with the data and errors data points so that the care flow can branch.',
    type: FieldType.BOOLEAN,
    required: false,
  },
  connection: sharedFields.connection,
} satisfies Record<string, Field>

/** Each field's value, read once; the GraphQL document is parsed by graphql-js. */
export const FieldsValidationSchema = z.object({
  query: parsedBy(graphqlDocument),
  variables: parsedBy(graphqlVariables).optional(),
  operationName: parsedBy(graphqlOperationName).optional(),
  // Empty: the API base URL itself.
  path: optionalText,
  accessToken: sharedFieldSchemas.accessToken,
  tokenExpiresAt: sharedFieldSchemas.tokenExpiresAt,
  renewOnStatus: sharedFieldSchemas.renewOnStatus,
  headers: sharedFieldSchemas.headers,
  failOnGraphqlErrors: flag(),
  connection: sharedFieldSchemas.connection,
} satisfies Record<keyof typeof fields, ZodTypeAny>)

/** The request to send: the operation chosen (GraphQL spec §6.1) before anything is sent. */
export const GraphqlInputSchema = fieldsInput(
  FieldsValidationSchema,
  { asIs: ['failOnGraphqlErrors'] },
  // Each key written out: an object rest is copied by V8's runtime, about 5 µs a run.
  (parsed) => ({
    accessToken: parsed.accessToken,
    tokenExpiresAt: parsed.tokenExpiresAt,
    path: parsed.path ?? '',
    headers: parsed.headers ?? [],
    renewOnStatus: parsed.renewOnStatus ?? DEFAULT_RENEW_ON_STATUS,
    failOnGraphqlErrors: parsed.failOnGraphqlErrors ?? true,
    connection: parsed.connection,
    request: graphqlRequest(parsed.query, parsed.variables, parsed.operationName),
  }),
)
