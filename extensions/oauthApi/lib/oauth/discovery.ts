import { endpointUrlProblem } from '../../settings'
import { metadataCache } from '../cache/caches'
import { exchange } from '../http/exchange'
import { HttpFailure } from '../http/sendRequest'
import { settingError } from '../run/ActionError'
import type { HttpLimits } from './tokenClient'
import { parseJsonObject } from './tokenResponse'

export interface AuthorizationServerMetadata {
  tokenEndpoint: string
  /** Which document it came from. */
  source: 'openid-configuration' | 'oauth-authorization-server' | 'smart-configuration'
}

/** Discovered metadata is reused for an hour (failures are not cached). */
export const METADATA_REUSE_MS = 3_600_000
const MAX_METADATA_BYTES = 1024 * 1024

interface Candidate {
  url: URL
  source: AuthorizationServerMetadata['source']
  /** RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer in the document must be the one asked for. */
  checkIssuer: boolean
}

/**
 * The token endpoint of the issuer (or FHIR base URL) in the issuerUrl setting, tried in order:
 * OpenID Connect Discovery (`{issuer}/.well-known/openid-configuration`), RFC 8414 §3.1
 * (`/.well-known/oauth-authorization-server` inserted between host and path), and SMART App
 * Launch (`{fhirBase}/.well-known/smart-configuration`).
 */
export const discoverTokenEndpoint = async (
  issuerUrl: string,
  limits: HttpLimits,
): Promise<string> => {
  const { value } = await metadataCache.getOrLoad(issuerUrl, async () => ({
    value: await fetchMetadata(issuerUrl, limits),
    freshUntilMs: Date.now() + METADATA_REUSE_MS,
  }))
  return value.tokenEndpoint
}

export const discoveryCandidates = (issuerUrl: string): Candidate[] => {
  const issuer = new URL(issuerUrl)
  const base = issuerUrl.replace(/\/+$/, '')
  const issuerPath = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/+$/, '')
  return [
    {
      url: new URL(`${base}/.well-known/openid-configuration`),
      source: 'openid-configuration',
      checkIssuer: true,
    },
    {
      url: new URL(`${issuer.origin}/.well-known/oauth-authorization-server${issuerPath}`),
      source: 'oauth-authorization-server',
      checkIssuer: true,
    },
    {
      url: new URL(`${base}/.well-known/smart-configuration`),
      source: 'smart-configuration',
      checkIssuer: false,
    },
  ]
}

const fetchMetadata = async (
  issuerUrl: string,
  limits: HttpLimits,
): Promise<AuthorizationServerMetadata> => {
  const problems: string[] = []
  for (const candidate of discoveryCandidates(issuerUrl)) {
    const outcome = await tryCandidate(candidate, issuerUrl, limits)
    if (typeof outcome !== 'string') return outcome
    problems.push(`${candidate.source}: ${outcome}`)
  }
  throw settingError(
    'issuerUrl',
    `no usable token endpoint was discovered (${problems.join('; ')})`,
  )
}

/** The metadata, or why this candidate did not give any. */
const tryCandidate = async (
  candidate: Candidate,
  issuerUrl: string,
  limits: HttpLimits,
): Promise<AuthorizationServerMetadata | string> => {
  let body: string
  try {
    const { response } = await exchange(
      {
        method: 'GET',
        url: candidate.url,
        headers: { Accept: 'application/json' },
        timeoutMs: limits.timeoutMs,
        maxResponseBytes: Math.min(limits.maxResponseBytes, MAX_METADATA_BYTES),
      },
      { retryable: true, mayFollowRedirect: (target) => target.origin === candidate.url.origin },
    )
    if (response.status !== 200) return `HTTP ${response.status}`
    body = response.body
  } catch (error) {
    if (error instanceof HttpFailure) return error.message
    throw error
  }
  const metadata = parseJsonObject(body)
  if (metadata === undefined) return 'not a JSON object'
  if (candidate.checkIssuer && !sameIssuer(metadata['issuer'], issuerUrl)) {
    return 'its "issuer" differs from the issuer asked for (RFC 8414 §3.3), so it was discarded'
  }
  const tokenEndpoint = metadata['token_endpoint']
  if (typeof tokenEndpoint !== 'string') return 'no token_endpoint'
  const problem = endpointUrlProblem(tokenEndpoint)
  if (problem !== undefined) return `token_endpoint ${problem}`
  return { tokenEndpoint, source: candidate.source }
}

/** Identical issuers, but for one trailing slash that designers often add or drop. */
const sameIssuer = (found: unknown, asked: string): boolean =>
  typeof found === 'string' && found.replace(/\/$/, '') === asked.replace(/\/$/, '')
