import type { GaveUp } from '../http/exchange'
import type { HttpError } from '../http/HttpError'
import { RETRYABLE_NETWORK_CODES } from '../http/retryPolicy'
import { StepFailure } from './StepFailure'

/**
 * Why a request was not sent again, in the words of the step's error: "tried 3 times", or the
 * reason it is never repeated (`notRepeated`, e.g. "POST is not repeated, so that no record is
 * created twice"), or that the server asked for a longer wait than the step allows.
 */
export const gaveUpNote = (gaveUp: GaveUp, attempts: number, notRepeated?: string): string => {
  switch (gaveUp.reason) {
    case 'ATTEMPTS_EXHAUSTED':
      return `tried ${attempts} times`
    case 'NOT_RETRYABLE':
      return notRepeated ?? 'not retried'
    case 'RETRY_AFTER_TOO_LONG':
      return `the server asked to retry after ${Math.round(gaveUp.retryAfterMs / 1000)} s, longer than the extension waits`
  }
}

/** A transport failure of `what` ("The token request", "GET /fhir/Patient/1"), with its code. */
export const transportFailure = (
  error: HttpError,
  what: string,
  notRepeated?: string,
): StepFailure => {
  const repeatable = error.code === 'NETWORK' && RETRYABLE_NETWORK_CODES.has(error.systemCode ?? '')
  const note = !repeatable
    ? ''
    : error.attempts > 1
      ? `; tried ${error.attempts} times`
      : notRepeated !== undefined
        ? `; ${notRepeated}`
        : ''
  return new StepFailure(error.code, `${what} failed: ${error.message}${note}`)
}
