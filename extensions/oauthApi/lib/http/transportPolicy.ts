import { isIP } from 'node:net'

/**
 * RFC 9700 §2.6 asks for TLS on every request; plain http is tolerated only on loopback
 * (localhost, 127.0.0.0/8, ::1) so that local development and the end-to-end tests work.
 * `hostname` is as `URL.hostname` gives it (IPv6 in brackets).
 */
const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}

/** Why a URL may not be used as an endpoint (https, or http on loopback), or undefined. */
export const endpointUrlProblem = (value: string): string | undefined => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a valid absolute URL'
  }
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined
  if (url.protocol === 'http:') return 'must use https (http is allowed only on localhost)'
  return 'must be an https URL'
}
