import type { TokenClient } from '../oauth/TokenClient'
import type { StepContext } from '../step/StepContext'
import { StepFailure } from '../step/StepFailure'
import { stringifyJson } from '../input/exactJson'
import { isPlainObject } from '../input/valueParsers'
import { apiHttpFailure, isSuccess } from './apiResponse'
import { quoteServerText } from '../secrets/quoteServerText'
import { callApi, exchangeFacts, type ApiCall, type ApiCallResult } from './callApi'
import { decodeResponseBody, type DecodedBody } from './responseBody'
import { resolveUnderBase, type ApiBase } from './resolveUnderBase'
import { reportedUrl } from './tokenPlacement'
import type { HttpResponse } from '../http/sendRequest'
import type { Redactor, ScrubbedText } from '../secrets/redactor'
import type { RequestLine } from '../step/failureFacts'

/** However many pages a designer asks for, a step reads at most this many. */
export const MAX_PAGES = 100

export interface Pages {
  /** The call of each page, in order; the first is the designer's request. */
  calls: ApiCallResult[]
  /** Each page's body, decoded (see decodeResponseBody). */
  bodies: DecodedBody[]
  /**
   * The next link that was not followed because maxPages pages were read (without the token, if
   * the API echoed a query token into it).
   */
  nextPageUrl: string | undefined
}

/**
 * Reads up to `maxPages` pages of a GET, starting from its first answer (a 2xx): a FHIR Bundle's
 * `link` with relation "next" (FHIR R4 http.html#paging), or else an RFC 8288 `Link` header with
 * rel="next", is followed with the same request headers and the current token (renewed after a
 * 401 as usual), within the step's deadline and rate limit, and with the size cap counting all
 * pages together. Only links under the API base URL are followed: another one fails the step
 * (PAGE_OUTSIDE_BASE) rather than pass a part off as the whole. A page that is not a 2xx fails
 * the step too.
 */
export const readPages = async (
  first: ApiCallResult,
  call: ApiCall,
  maxPages: number,
  client: TokenClient,
  base: ApiBase,
  step: StepContext,
): Promise<Pages> => {
  const calls = [first]
  const bodies = [pageBody(first, first.request, step)]
  if (call.plan.method !== 'GET') return { calls, bodies, nextPageUrl: undefined }
  let usedBytes = first.exchange.response.bytes.length
  for (;;) {
    const last = calls[calls.length - 1]
    const next = nextPageLink(last.exchange.response, bodies[bodies.length - 1].value)
    if (next === undefined) return { calls, bodies, nextPageUrl: undefined }
    if (calls.length >= Math.min(maxPages, MAX_PAGES)) {
      return { calls, bodies, nextPageUrl: reportedUrl(next.href, call.plan.tokenPlacement) }
    }
    const page = calls.length + 1
    const pageCall: ApiCall = {
      ...call,
      plan: { ...call.plan, url: pageUrlUnderBase(next, base, page), body: undefined },
      // The token the last page was sent with; one that expires meanwhile is replaced.
      given: {
        token: { kind: 'token', accessToken: last.token.accessToken },
        expiresAtMs: last.token.expiresAtMs,
      },
    }
    const result = await callPage(pageCall, page, usedBytes, client, base, step)
    const { response } = result.exchange
    const request = { ...result.request, page }
    if (!isSuccess(response.status)) {
      throw apiHttpFailure(response, request, exchangeFacts(pageCall, result), step.redactor)
    }
    usedBytes += response.bytes.length
    calls.push(result)
    bodies.push(pageBody(result, request, step))
  }
}

/** The most of a body that is not what it says it is that an event quotes. */
const MAX_NOT_JSON_EXCERPT = 200

/**
 * A 2xx page's body, decoded; one declared JSON that does not parse fails the step
 * (API_RESPONSE_INVALID) rather than pass its text off as the answer.
 */
const pageBody = (result: ApiCallResult, request: RequestLine, step: StepContext): DecodedBody => {
  const { response } = result.exchange
  const decoded = decodeResponseBody(response, step.redactor)
  if (decoded.notJson === true) {
    throw new StepFailure({
      kind: 'API body invalid',
      request,
      status: response.status,
      contentType: quoteServerText(response.headers['content-type'] ?? '', step.redactor, 100),
      excerpt: quoteServerText(response.body, step.redactor, MAX_NOT_JSON_EXCERPT),
    })
  }
  return decoded
}

/** One page, with what is left of the size cap; past it, the step fails naming the cap. */
const callPage = async (
  pageCall: ApiCall,
  page: number,
  usedBytes: number,
  client: TokenClient,
  base: ApiBase,
  step: StepContext,
): Promise<ApiCallResult> => {
  try {
    return await callApi(pageCall, client, base, {
      ...step,
      maxResponseBytes: Math.max(0, step.maxResponseBytes - usedBytes),
    })
  } catch (error) {
    if (error instanceof StepFailure && error.code === 'TOO_LARGE') {
      throw new StepFailure({
        kind: 'pages too large',
        request: { method: pageCall.plan.method, path: pageCall.plan.url.pathname, page },
        maxBytes: step.maxResponseBytes,
        usedBytes,
      })
    }
    throw error
  }
}

/**
 * The next link, resolved against the page's URL: a FHIR Bundle's link[relation=next] first,
 * else the `Link` header's rel="next" (RFC 8288 §3).
 */
const nextPageLink = (response: HttpResponse, body: unknown): URL | undefined => {
  const href = bundleNextLink(body) ?? linkHeaderNext(response.headers['link'])
  if (href === undefined) return undefined
  try {
    return new URL(href, response.url)
  } catch {
    return undefined
  }
}

const bundleNextLink = (body: unknown): string | undefined => {
  if (!isBundle(body) || !Array.isArray(body['link'])) return undefined
  const next = (body['link'] as unknown[]).find(
    (link) => isPlainObject(link) && link['relation'] === 'next' && typeof link['url'] === 'string',
  )
  return next === undefined ? undefined : ((next as Record<string, unknown>)['url'] as string)
}

/**
 * RFC 8288 §3: `Link: <uri-reference>; param=value; …, <…>; …`. rel may hold several
 * space-separated relation types, quoted or not (§3.3); quoted parameter values may hold commas.
 */
export const linkHeaderNext = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const linkValue = /<([^>]*)>((?:\s*;\s*[^;,="]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,"]*))?)*)/g
  for (const [, target, params] of header.matchAll(linkValue)) {
    for (const [, name, quoted, token] of params.matchAll(
      /;\s*([^;,="\s]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^;,"]*)))?/g,
    )) {
      const value = (quoted ?? token ?? '').trim()
      if (name.toLowerCase() === 'rel' && value.toLowerCase().split(/\s+/).includes('next')) {
        return target.trim()
      }
    }
  }
  return undefined
}

/**
 * The one rule for a next link: the token goes only under the API base URL (api/
 * resolveUnderBase.ts, the same rule as for the path field); another link fails the step.
 */
const pageUrlUnderBase = (link: URL, base: ApiBase, page: number): URL => {
  try {
    return resolveUnderBase(link.href, base)
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error
    throw new StepFailure({
      kind: 'page outside base',
      page,
      link: `${link.origin}${link.pathname}`,
      base: base.href,
    })
  }
}

type Bundle = Record<string, unknown> & { resourceType: 'Bundle' }

const isBundle = (value: unknown): value is Bundle =>
  isPlainObject(value) && value['resourceType'] === 'Bundle'

/**
 * The responseBody data point, scrubbed: one page's JSON as it came, or the pages merged
 * (mergePages), their numbers keeping their digits (exactJson.ts).
 */
export const pagesJson = (bodies: readonly DecodedBody[], redactor: Redactor): ScrubbedText =>
  bodies.length === 1
    ? bodies[0].json
    : redactor.scrubbed(stringifyJson(mergePages(bodies.map((body) => body.value))))

/**
 * The pages as one responseBody: FHIR Bundles as one Bundle with the first page's fields (type,
 * total, …), its `self` link only, and every page's entries in order; JSON arrays as one
 * array; anything else as the array of the page bodies. One page is itself.
 */
export const mergePages = (bodies: readonly unknown[]): unknown => {
  if (bodies.length === 1) return bodies[0]
  if (bodies.every(isBundle)) {
    const [first] = bodies as Bundle[]
    const entry = (bodies as Bundle[]).flatMap((bundle) =>
      Array.isArray(bundle['entry']) ? (bundle['entry'] as unknown[]) : [],
    )
    const merged: Record<string, unknown> = { ...first, entry }
    const self = Array.isArray(first['link'])
      ? (first['link'] as unknown[]).filter(
          (link) => isPlainObject(link) && link['relation'] === 'self',
        )
      : []
    if (self.length > 0) merged['link'] = self
    else delete merged['link']
    return merged
  }
  if (bodies.every(Array.isArray)) return (bodies as unknown[][]).flat()
  return [...bodies]
}
