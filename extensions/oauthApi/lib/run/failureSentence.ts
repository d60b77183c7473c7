import type { FailureFacts } from '../step/failureFacts'
import type { FailureCode } from '../step/StepFailure'
import {
  apiAnswerSentence,
  apiBodyInvalidSentence,
  headerRefusedSentence,
  pageOutsideBaseSentence,
  pagesTooLargeSentence,
  pathOutsideBaseSentence,
  rateLimitedSentence,
} from './apiSentences'
import { graphqlErrorsSentence, graphqlResponseInvalidSentence } from './graphqlSentences'
import {
  discoverySentence,
  tokenErrorSentence,
  tokenRedirectSentence,
  tokenResponseSentence,
} from './tokenSentences'
import { transportFailureSentence } from './transportSentence'

/**
 * The sentence of a failure, from its facts alone (and its code, which follows from them): the
 * one place every StepFailure is worded, but for input failures, whose problems are their own
 * text (describeFailure.ts). The setting or field it is about is named by describeFailure.
 */
export const failureSentence = (
  facts: Exclude<FailureFacts, { kind: 'input' }>,
  code: FailureCode,
): string => {
  switch (facts.kind) {
    case 'token error':
      return tokenErrorSentence(facts, code === 'TOKEN_REQUEST_REFUSED')
    case 'token response':
      return tokenResponseSentence(facts)
    case 'token redirect':
      return tokenRedirectSentence(facts)
    case 'discovery':
      return discoverySentence(facts)
    case 'transport':
      return transportFailureSentence(facts)
    case 'API answer':
      return apiAnswerSentence(facts)
    case 'API body invalid':
      return apiBodyInvalidSentence(facts)
    case 'GraphQL response invalid':
      return graphqlResponseInvalidSentence(facts)
    case 'GraphQL errors':
      return graphqlErrorsSentence(facts)
    case 'pages too large':
      return pagesTooLargeSentence(facts)
    case 'page outside base':
      return pageOutsideBaseSentence(facts)
    case 'path outside base':
      return pathOutsideBaseSentence(facts)
    case 'header refused':
      return headerRefusedSentence(facts)
    case 'rate limited':
      return rateLimitedSentence(facts)
  }
}
