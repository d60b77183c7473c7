import { MAX_REDIRECTS, type GaveUp, type RefusedRedirect } from '../http/exchange'
import type { FailedRequest, NotRepeated, RequestLine } from '../step/failureFacts'

/** "GET /fhir/Patient", "GET /fhir/Patient (page 2)": an API request in events and failures. */
export const requestText = ({ method, path, page }: RequestLine): string =>
  page === undefined ? `${method} ${path}` : `${method} ${path} (page ${page})`

/** The request a transport failure ended, as the subject of a sentence. */
export const failedRequestText = (request: FailedRequest): string =>
  request === 'token request'
    ? 'The token request'
    : request === 'discovery'
      ? 'Discovery of the token endpoint'
      : requestText(request)

/** Why a request that is never repeated was not sent again; `method` is the request's. */
export const notRepeatedText = (notRepeated: NotRepeated, method: string): string =>
  notRepeated === 'mutation'
    ? 'a mutation is not repeated, so that no record is created twice'
    : `${method} is not repeated, so that no record is created twice (an Idempotency key lets it be repeated, if the API honours one)`

/**
 * Why a request was not sent again after a retryable status (429, 502, 503, 504): "tried 3
 * times", the reason it is never repeated, or that the server asked for a longer wait than the
 * step allows.
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

/**
 * Where a redirect that was not followed went, and why, e.g. "redirects to https://x/a, which was
 * already requested (a redirect loop)"; `method` is the request's (a POST follows fewer). A
 * target refused by the API's rule (RFC 9700 §4.9.1) is outside the API base URL, for its reason.
 */
export const redirectNote = (
  refused: RefusedRedirect,
  method: string,
  site: 'token endpoint' | 'API',
): string => {
  const where = `${refused.target.origin}${refused.target.pathname}`
  switch (refused.reason) {
    case 'LOOP':
      return `redirects to ${where}, which was already requested (a redirect loop)`
    case 'TOO_MANY':
      return refused.limit === MAX_REDIRECTS
        ? `redirects to ${where} after ${refused.limit} redirects (too many redirects)`
        : `redirects again, to ${where}; a ${method} follows at most ${refused.limit} redirect, so that it is not sent again and again`
    case 'NOT_ALLOWED':
      return site === 'API'
        ? `redirects to ${where}, outside the API base URL (${refused.why})`
        : `redirects to ${where}, ${refused.why}`
  }
}
