import { LRUCache } from 'lru-cache'
import { raceDeadline } from '../http/deadline'
import { exchange } from '../http/exchange'
import { HttpError, timeoutError } from '../http/HttpError'
import { endpointUrlProblem } from '../http/transportPolicy'
import type { DiscoveryDocument, DiscoveryProblem } from '../step/failureFacts'
import { transportFailure } from '../step/transportFailure'
import type { StepContext } from '../step/StepContext'
import { StepFailure } from '../step/StepFailure'
import { parseJsonObject } from '../input/parseJsonObject'

export interface AuthorizationServerMetadata {
  tokenEndpoint: URL
  /** RFC 8705 §5: the token endpoint for clients that use mutual TLS, when it is another one. */
  mtlsTokenEndpoint: URL | undefined
  /** Which document it came from. */
  source: DiscoveryDocument
}

/** Discovered metadata is reused for an hour (failures are not cached). */
const METADATA_REUSE_MS = 3_600_000
const MAX_METADATA_BYTES = 1024 * 1024
const MAX_CACHED_METADATA = 100

interface MetadataLoad {
  issuer: URL
  step: StepContext
}

/**
 * The metadata found by discovery, per connection, TLS profile and issuer (TokenClient.connection:
 * each connection discovers for itself; what one TLS profile's CAs reach, another's may not):
 * bounded, reused for an hour, loaded once for all concurrent runs (single-flight), failures never
 * kept.
 */
export const metadataCache = new LRUCache<string, AuthorizationServerMetadata, MetadataLoad>({
  max: MAX_CACHED_METADATA,
  ttl: METADATA_REUSE_MS,
  ignoreFetchAbort: true,
  fetchMethod: (_key, _stale, { context }) => fetchMetadata(context.issuer, context.step),
})

interface Candidate {
  url: URL
  source: AuthorizationServerMetadata['source']
  /** RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer in the document must be the one asked for. */
  checkIssuer: boolean
}

/**
 * The token endpoint of an issuer (or FHIR base URL), tried in order: OpenID Connect Discovery
 * (`{issuer}/.well-known/openid-configuration`), RFC 8414 §3.1
 * (`/.well-known/oauth-authorization-server` inserted between host and path), and SMART App
 * Launch (`{fhirBase}/.well-known/smart-configuration`). `fresh` bypasses the metadata cache.
 */
export const discoverTokenEndpoint = async (
  issuer: URL,
  connection: string,
  step: StepContext,
  options: { fresh?: boolean } = {},
): Promise<URL> => {
  const key = JSON.stringify([connection, step.tls?.id ?? null, issuer.href])
  // fresh: read the metadata now, neither from the cache nor into it (a connection check).
  const cached = options.fresh === true ? undefined : metadataCache.get(key)
  if (cached !== undefined) return tokenEndpointFor(cached, step)
  const metadata = await raceDeadline(
    options.fresh === true
      ? fetchMetadata(issuer, step)
      : metadataCache.forceFetch(key, { context: { issuer, step } }),
    step.deadline,
    () => transportFailure(timeoutError(issuer, step.deadline.seconds), 'discovery'),
  )
  return tokenEndpointFor(metadata, step)
}

/** RFC 8705 §5: a client that presents a certificate uses the mTLS alias where there is one. */
const tokenEndpointFor = (metadata: AuthorizationServerMetadata, step: StepContext): URL =>
  step.tls?.clientCertificate !== undefined && metadata.mtlsTokenEndpoint !== undefined
    ? metadata.mtlsTokenEndpoint
    : metadata.tokenEndpoint

const discoveryCandidates = (issuer: URL): Candidate[] => {
  const base = issuer.href.replace(/\/+$/, '')
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
  issuer: URL,
  step: StepContext,
): Promise<AuthorizationServerMetadata> => {
  const tried: Array<{ document: DiscoveryDocument } & DiscoveryProblem> = []
  for (const candidate of discoveryCandidates(issuer)) {
    const outcome = await tryCandidate(candidate, issuer, step)
    if (!('problem' in outcome)) return outcome
    tried.push({ document: candidate.source, ...outcome })
  }
  throw new StepFailure({ kind: 'discovery', tried })
}

/** The metadata, or why this candidate did not give any. */
const tryCandidate = async (
  candidate: Candidate,
  issuer: URL,
  step: StepContext,
): Promise<AuthorizationServerMetadata | DiscoveryProblem> => {
  let body: string
  try {
    const { response } = await exchange(
      {
        method: 'GET',
        url: candidate.url,
        headers: { Accept: 'application/json' },
        deadline: step.deadline,
        maxResponseBytes: Math.min(step.maxResponseBytes, MAX_METADATA_BYTES),
        tls: step.tls,
      },
      {
        retryable: true,
        redirectRefusal: (target) =>
          target.origin === candidate.url.origin ? undefined : 'another origin',
      },
    )
    if (response.status !== 200) return { problem: 'status', status: response.status }
    body = response.body
  } catch (error) {
    if (!(error instanceof HttpError)) throw error
    if (error.code === 'TIMEOUT' || error.code === 'NETWORK_POLICY') {
      throw transportFailure(error, 'discovery')
    }
    return { problem: 'transport', transport: error.facts }
  }
  const metadata = parseJsonObject(body)
  if (metadata === undefined) return { problem: 'not a JSON object' }
  // RFC 8414 §3.3: a document for another issuer is discarded.
  if (candidate.checkIssuer && !sameIssuer(metadata['issuer'], issuer.href)) {
    return { problem: 'issuer differs' }
  }
  const tokenEndpoint = metadata['token_endpoint']
  if (typeof tokenEndpoint !== 'string') return { problem: 'no token_endpoint' }
  const why = endpointUrlProblem(tokenEndpoint, { allowQuery: true })
  if (why !== undefined) return { problem: 'token_endpoint', why }
  return {
    tokenEndpoint: new URL(tokenEndpoint),
    mtlsTokenEndpoint: mtlsAlias(metadata['mtls_endpoint_aliases']),
    source: candidate.source,
  }
}

/**
 * RFC 8705 §5: `mtls_endpoint_aliases.token_endpoint`, when it is a usable endpoint URL. Without
 * one (or with an unusable one, which is ignored) a client with a certificate uses the plain
 * token_endpoint, as §5 says clients do when the server publishes no alias.
 */
const mtlsAlias = (aliases: unknown): URL | undefined => {
  if (typeof aliases !== 'object' || aliases === null) return undefined
  const alias: unknown = (aliases as Record<string, unknown>)['token_endpoint']
  if (typeof alias !== 'string') return undefined
  return endpointUrlProblem(alias, { allowQuery: true }) === undefined ? new URL(alias) : undefined
}

/** Identical issuers, but for one trailing slash that designers often add or drop. */
const sameIssuer = (found: unknown, asked: string): boolean =>
  typeof found === 'string' && found.replace(/\/$/, '') === asked.replace(/\/$/, '')
