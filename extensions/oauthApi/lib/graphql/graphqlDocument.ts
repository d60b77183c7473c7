import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  type DefinitionNode,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql'
import { InputProblem, type ValueParser } from '../input/objectOfParsers'
import { isPlainObject, jsonValue, optionalFieldText, requiredText } from '../input/valueParsers'

/**
 * The GraphQL document of a step, read once with the reference implementation (`graphql`'s
 * parse) before anything is sent: a document the server could not parse, an operation the
 * request cannot name, a subscription, or variables that are not an object never leave the step.
 */

/** A document longer than this is refused before it is parsed. */
const MAX_DOCUMENT_CHARACTERS = 100_000
/** graphql-js stops parsing after this many tokens (a bound on the parser's work). */
const MAX_DOCUMENT_TOKENS = 20_000
/** A parser message is quoted up to this many characters. */
const MAX_PROBLEM_LENGTH = 200

export interface GraphqlDocument {
  /** The document as it is sent. */
  text: string
  parsed: DocumentNode
}

/** GraphQL spec §2.3: query, mutation or subscription; a step sends queries and mutations. */
type OperationType = 'query' | 'mutation'

export interface GraphqlOperation {
  type: OperationType
  /** Undefined for an anonymous operation. */
  name: string | undefined
}

/** The body of a GraphQL-over-HTTP POST request: `query`, and `variables` and `operationName` when set. */
interface GraphqlRequestBody {
  query: string
  variables?: Record<string, unknown>
  operationName?: string
}

/** The request a step sends, and the operation it runs (which decides whether it is repeated). */
export interface GraphqlRequest {
  operation: GraphqlOperation
  body: GraphqlRequestBody
}

/**
 * The `query` field: a GraphQL executable document (GraphQL spec §2.2, §6.1), parsed by graphql-js.
 * A syntax error is quoted with its line and column.
 */
export const graphqlDocument: ValueParser<GraphqlDocument> = (value) => {
  const text = requiredText(value)
  if (text.length > MAX_DOCUMENT_CHARACTERS) {
    throw new InputProblem(`is longer than ${MAX_DOCUMENT_CHARACTERS} characters`)
  }
  let parsed: DocumentNode
  try {
    parsed = parse(text, { maxTokens: MAX_DOCUMENT_TOKENS })
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error
    throw new InputProblem(`is not a valid GraphQL document: ${syntaxProblem(error)}`)
  }
  const foreign = parsed.definitions.find((definition) => !isExecutable(definition))
  if (foreign !== undefined) {
    throw new InputProblem(
      `holds a schema definition (${foreign.kind}); only operations and fragments can be sent (GraphQL spec §6.1)`,
    )
  }
  return { text, parsed }
}

/** The `variables` field: a JSON object of variable values by name (GraphQL spec §6.1.2); unset when empty. */
export const graphqlVariables: ValueParser<Record<string, unknown> | undefined> = (value) => {
  const variables = jsonValue(value)
  if (variables === undefined) return undefined
  if (!isPlainObject(variables)) {
    throw new InputProblem('must be a JSON object of variable values by name, e.g. {"id": "123"}')
  }
  return variables
}

/** The `operationName` field: a GraphQL Name (GraphQL spec §2.1.9), or unset. */
export const graphqlOperationName: ValueParser<string | undefined> = (value) => {
  const name = optionalFieldText(value)
  if (name !== undefined && !/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) {
    throw new InputProblem(
      'must be a GraphQL name (letters, digits and _, not starting with a digit)',
    )
  }
  return name
}

/**
 * The request the three fields describe, once the operation is chosen as the server would
 * (GraphQL spec §6.1 GetOperation): the one named by operationName, or the only one. A
 * subscription is refused, and so are variables that a non-null variable without a default
 * lacks (§6.1.2 CoerceVariableValues would refuse them on the server).
 */
export const graphqlRequest = (
  document: GraphqlDocument,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): GraphqlRequest => {
  const definition = chooseOperation(document.parsed, operationName)
  if (definition.operation === OperationTypeNode.SUBSCRIPTION) {
    throw new InputProblem(
      'a subscription cannot be run by a care-flow step (it needs a lasting connection); use a query',
      'query',
    )
  }
  assertRequiredVariables(definition, variables)
  return {
    operation: {
      type: definition.operation === OperationTypeNode.MUTATION ? 'mutation' : 'query',
      name: definition.name?.value,
    },
    body: {
      query: document.text,
      ...(variables !== undefined ? { variables } : {}),
      ...(operationName !== undefined ? { operationName } : {}),
    },
  }
}

const isExecutable = (definition: DefinitionNode): boolean =>
  definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION

/** "Syntax Error: Expected Name, found <EOF>. (line 1, column 9)" */
const syntaxProblem = (error: GraphQLError): string => {
  const [location] = error.locations ?? []
  const message =
    error.message.length > MAX_PROBLEM_LENGTH
      ? `${error.message.slice(0, MAX_PROBLEM_LENGTH)}…`
      : error.message
  return location !== undefined
    ? `${message} (line ${location.line}, column ${location.column})`
    : message
}

const chooseOperation = (
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode => {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  )
  if (operations.length === 0) {
    throw new InputProblem('holds no operation (only fragments)', 'query')
  }
  if (operationName !== undefined) {
    const named = operations.find((operation) => operation.name?.value === operationName)
    if (named === undefined) {
      throw new InputProblem(
        `the document has no operation named "${operationName}" (it has ${namesOf(operations)})`,
        'operationName',
      )
    }
    return named
  }
  if (operations.length > 1) {
    throw new InputProblem(
      `is required: the document holds ${operations.length} operations (${namesOf(operations)})`,
      'operationName',
    )
  }
  return operations[0]
}

const namesOf = (operations: readonly OperationDefinitionNode[]): string =>
  operations
    .slice(0, 5)
    .map((operation) =>
      operation.name !== undefined
        ? `"${operation.name.value}"`
        : `an anonymous ${operation.operation}`,
    )
    .join(', ') + (operations.length > 5 ? ', …' : '')

/** A variable of non-null type without a default must have a value (GraphQL spec §6.1.2). */
const assertRequiredVariables = (
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): void => {
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value
    if (definition.type.kind !== Kind.NON_NULL_TYPE || definition.defaultValue !== undefined) {
      continue
    }
    const value =
      variables !== undefined && Object.prototype.hasOwnProperty.call(variables, name)
        ? variables[name]
        : null
    if (value === null || value === undefined) {
      throw new InputProblem(
        `has no value for $${name}, which the operation requires (non-null, no default)`,
        'variables',
      )
    }
  }
}
