import { MAX_REDIRECTS, type GaveUp, type RefusedRedirect } from '../http/exchange'
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
  return new StepFailure(error.code, `${what} failed: ${error.message}${note}`, undefined, {
    attempts: error.attempts,
  })
}

/**
 * Where a redirect that was not followed went, and why, e.g. "redirects to https://x/a, which was
 * already requested (a redirect loop)"; `method` is the request's (a POST follows fewer).
 */
export const redirectNote = (refused: RefusedRedirect, method: string): string => {
  const where = `${refused.target.origin}${refused.target.pathname}`
  switch (refused.reason) {
    case 'LOOP':
      return `redirects to ${where}, which was already requested (a redirect loop)`
    case 'TOO_MANY':
      return refused.limit === MAX_REDIRECTS
        ? `redirects to ${where} after ${refused.limit} redirects (too many redirects)`
        : `redirects again, to ${where}; a ${method} follows at most ${refused.limit} redirect, so that it is not sent again and again`
    case 'NOT_ALLOWED':
      return `redirects to ${where}, ${refused.why}`
  }
}
