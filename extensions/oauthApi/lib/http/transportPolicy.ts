import { isIP } from 'node:net'

/**
 * RFC 9700 §2.6 asks for TLS on every request; plain http is tolerated only on loopback
 * (localhost, 127.0.0.0/8, ::1) so that local development and the end-to-end tests work.
 * `hostname` is as `URL.hostname` gives it (IPv6 in brackets).
 */
export const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1'
  return false
}
