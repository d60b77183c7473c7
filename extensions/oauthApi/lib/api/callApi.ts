import { exchange, type ExchangeResult } from '../http/exchange'
import { HttpError } from '../http/HttpError'
import type { TokenClient } from '../oauth/TokenClient'
import {
  renewedToken,
  tokenForCall,
  type GivenToken,
  type TokenForCall,
} from '../oauth/tokenForCall'
import type { NotRepeated, RequestLine } from '../step/failureFacts'
import { transportFailure } from '../step/transportFailure'
import type { StepContext } from '../step/StepContext'
import { apiHttpFailure, type ApiExchangeFacts } from './apiResponse'
import type { ApiRequestPlan } from './buildApiRequest'
import { tokenMayGoTo, type ApiBase } from './resolveUnderBase'
import { placeToken } from './tokenPlacement'

export interface ApiCall {
  plan: ApiRequestPlan
  /**
   * Whether the request may be sent again after 429/502/503/504 or a reset: idempotent methods,
   * and a POST or PATCH that carries an Idempotency-Key.
   */
  retryable: boolean
  /**
   * Why it is never repeated when it is not retryable, for the step's error: a POST or PATCH
   * without an Idempotency-Key, a GraphQL mutation.
   */
  notRepeated?: NotRepeated
  /** The token (or reference) handed in by an earlier step; undefined in one-step mode. */
  given: GivenToken | undefined
  /** Statuses after which the token is renewed and the request sent once more (401 at least). */
  renewOnStatus: ReadonlySet<number>
}

export interface ApiCallResult {
  /** GET /fhir/R4/Patient/1, for events and failures. */
  request: RequestLine
  exchange: ExchangeResult
  token: TokenForCall
  /** The status after which the token was renewed, if it was. */
  renewedAfterStatus: number | undefined
}

/**
 * Sends the planned request with the token where the plan says (`Authorization: Bearer <token>`,
 * RFC 6750 §2.1, unless the connection's dialect says otherwise). The token is
 * the one handed in, or the cache's; one that is about to expire is replaced first, and one the
 * API refuses (a status in renewOnStatus) is renewed and the request sent once more.
 */
export const callApi = async (
  call: ApiCall,
  client: TokenClient,
  base: ApiBase,
  step: StepContext,
): Promise<ApiCallResult> => {
  const request = { method: call.plan.method, path: call.plan.url.pathname }
  let token = await tokenForCall(client, step, call.given)
  let renewedAfterStatus: number | undefined
  let result = await sendWithToken(call, token.accessToken, base, step, request)
  if (call.renewOnStatus.has(result.response.status)) {
    renewedAfterStatus = result.response.status
    token = await renewedToken(client, step, token.accessToken, token.handedIn)
    if (!token.replaced) {
      // The same call with the same token would be refused the same way: it is not sent again.
      throw apiHttpFailure(
        result.response,
        request,
        { attempts: result.attempts, tokenNotRenewed: true },
        step.redactor,
      )
    }
    result = await sendWithToken(call, token.accessToken, base, step, request)
  }
  return { request, exchange: result, token, renewedAfterStatus }
}

/**
 * One request with the token; redirects are followed only while they stay under the base, and a
 * token that travels in the query is placed again at each one (and never sent elsewhere).
 */
export const sendWithToken = async (
  call: Pick<ApiCall, 'plan' | 'retryable' | 'notRepeated'>,
  accessToken: string,
  base: ApiBase,
  step: StepContext,
  requestLine: RequestLine,
): Promise<ExchangeResult> => {
  const { plan } = call
  const { throttle } = step
  const placement = plan.tokenPlacement
  const placed = placeToken(placement, plan.url, plan.headers, accessToken)
  try {
    return await exchange(
      {
        method: plan.method,
        url: placed.url,
        headers: placed.headers,
        body: plan.body,
        deadline: step.deadline,
        maxResponseBytes: step.maxResponseBytes,
        tls: step.tls,
      },
      {
        retryable: call.retryable,
        redirectRefusal: (target) => {
          // Outside the API base URL, for this reason (run/ words it).
          const verdict = tokenMayGoTo(target, base)
          return verdict === true ? undefined : verdict
        },
        redirectedRequest:
          placement.kind === 'query'
            ? (request) => ({
                ...request,
                url: placeToken(placement, request.url, request.headers, accessToken).url,
              })
            : undefined,
        // Every API request — retries, redirect hops and pages too — waits for its turn.
        beforeSend:
          throttle === undefined
            ? undefined
            : (hop) => throttle({ method: hop.method, path: hop.url.pathname }),
      },
    )
  } catch (error) {
    if (error instanceof HttpError) throw transportFailure(error, requestLine, call.notRepeated)
    throw error
  }
}

/** What the step's error tells besides the API's status: retries, a refused redirect, a renewal. */
export const exchangeFacts = (
  call: Pick<ApiCall, 'notRepeated'>,
  result: Pick<ApiCallResult, 'exchange' | 'renewedAfterStatus'>,
): ApiExchangeFacts => ({
  attempts: result.exchange.attempts,
  gaveUp: result.exchange.gaveUp,
  notRepeated: call.notRepeated,
  refusedRedirect: result.exchange.refusedRedirect,
  renewedAfterStatus: result.renewedAfterStatus,
})
