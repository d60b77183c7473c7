import { isIP } from 'node:net'

/**
 * RFC 9700 §2.6 asks for TLS on every request; plain http is tolerated only on loopback
 * (localhost, 127.0.0.0/8, ::1) so that local development and the end-to-end tests work.
 * `hostname` is as `URL.hostname` gives it (IPv6 in brackets). Only the name `localhost` itself
 * counts: names under `.localhost` (RFC 6761 §6.3) are sent to DNS by many resolvers and
 * proxies, so they may reach another machine.
 */
const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/**
 * Why a URL may not be used as an endpoint, or undefined: https (or http on loopback), no user
 * info (the HTTP client would turn it into an Authorization header of its own), no fragment
 * (never sent), and — unless `allowQuery` (a token URL may carry one, e.g. Azure AD B2C's
 * `?p=policy`) — no query string, which would otherwise be dropped without a word.
 */
export const endpointUrlProblem = (
  value: string,
  options: { allowQuery?: boolean } = {},
): string | undefined => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a valid absolute URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL'
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must use https (http is allowed only on localhost)'
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain user info (user:password@); credentials have their own settings'
  }
  if (url.href.includes('#')) return 'must not have a fragment (#…), which is never sent'
  if (options.allowQuery !== true && url.href.includes('?')) {
    return 'must not have a query string (?…), which would be dropped'
  }
  return undefined
}
