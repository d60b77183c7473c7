import type {
  GraphqlErrorFacts,
  GraphqlErrorsFacts,
  GraphqlErrorsFailureFacts,
  GraphqlResponseInvalidFacts,
} from '../step/failureFacts'
import { requestText } from './requestWording'

/** What a 2xx held that is not a GraphQL response (GraphQL spec §7.1). */
const NOT_GRAPHQL: Readonly<Record<GraphqlResponseInvalidFacts['problem'], string>> = {
  'empty body': 'an empty body',
  'not a JSON object': 'a body that is not a JSON object',
  'no data or errors': 'a JSON object without "data" or "errors"',
  'errors not a list': '"errors" that is not a list',
}

export const graphqlResponseInvalidSentence = (facts: GraphqlResponseInvalidFacts): string =>
  `The API answered HTTP ${facts.status} to ${requestText(facts.request)} with ${NOT_GRAPHQL[facts.problem]}: not a GraphQL response (GraphQL spec §7.1)` +
  (facts.contentType !== undefined ? `; Content-Type ${facts.contentType}` : '') +
  (facts.excerpt !== '' ? `. Body: ${facts.excerpt}` : '')

export const graphqlErrorsSentence = (facts: GraphqlErrorsFailureFacts): string =>
  `The API answered HTTP ${facts.status} to ${requestText(facts.request)} with ${graphqlErrorsText(facts.errors)}`

/**
 * "2 GraphQL errors: "Patient 7 is not known" (path patient; code NOT_FOUND); "…" (path …)": the
 * first errors' messages, paths, locations and extension codes (GraphQL spec §7.1.2), and how many
 * more there were.
 */
export const graphqlErrorsText = ({ count, first }: GraphqlErrorsFacts): string => {
  const more = count > first.length ? `; and ${count - first.length} more` : ''
  const counted = count === 1 ? '1 GraphQL error' : `${count} GraphQL errors`
  return `${counted}: ${first.map(graphqlErrorText).join('; ')}${more}`
}

const graphqlErrorText = (error: GraphqlErrorFacts): string => {
  if (error.shape === 'not an object') return '(an error that is not an object)'
  const message = error.message !== undefined ? JSON.stringify(error.message) : '(no message)'
  const details: string[] = []
  if (error.path !== undefined) details.push(`path ${error.path}`)
  if (error.location !== undefined) {
    details.push(`at line ${error.location.line}, column ${error.location.column}`)
  }
  if (error.code !== undefined) details.push(`code ${error.code}`)
  return details.length > 0 ? `${message} (${details.join('; ')})` : message
}
