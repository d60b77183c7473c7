// Real local servers for the demo, the end-to-end tests and `npm run servers`:
// - an OAuth 2.0 authorization server (oidc-provider, in a child process) issuing JWT access
//   tokens (RFC 9068) with the client credentials grant (RFC 6749 §4.4);
// - a FHIR-flavoured sample API protected by those bearer tokens (RFC 6750);
// - token endpoints and an API in vendor dialects (servers/dialectServers.ts).
// All listen on free ports on 127.0.0.1.

import {
  startAuthorizationServer,
  type AuthorizationServerProcess,
} from './authorizationServerProcess'
import {
  CLIENT_REGISTRATIONS,
  clientSecretsOf,
  generateClients,
  UNGRANTED_SCOPE,
  type ClientMetadata,
  type ClientName,
  type LocalClients,
} from './clients'
import { startDialectServers, type DialectServers } from './dialectServers'
import { READ_SCOPE, startProtectedApi, WRITE_SCOPE, type ProtectedApi } from './protectedApi'

export interface LocalServersOptions {
  accessTokenTtlSeconds?: number
  /** The API's clock runs this many seconds ahead (see ProtectedApiOptions.clockSkewSeconds). */
  apiClockSkewSeconds?: number
  /**
   * More clients to register, e.g. one whose JWK Set is `npm run cli -- keygen` output (as
   * `jwks`, or as a `jwks_uri` the authorization server fetches).
   */
  extraClients?: ClientMetadata[]
  /**
   * The API's audience (RFC 8707 resource indicator), for a second system beside the first:
   * its own authorization server, clients and API, whose tokens the first API refuses.
   */
  audience?: string
}

export interface LocalServers {
  issuer: string
  tokenUrl: string
  apiBaseUrl: string // e.g. http://127.0.0.1:PORT/fhir
  apiAudience: string
  clients: {
    basic: { clientId: string; clientSecret: string }
    post: { clientId: string; clientSecret: string }
    readOnly: { clientId: string; clientSecret: string }
    privateKeyJwtRs384: {
      clientId: string
      privateKeyPem: string
      privateKeyId: string
      signingAlgorithm: 'RS384'
    }
    privateKeyJwtEs384: {
      clientId: string
      privateKeyPem: string
      privateKeyId: string
      signingAlgorithm: 'ES384'
    }
  }
  /**
   * The extension settings (all strings) for one client: tokenUrl, clientId, clientSecret,
   * clientAuthMethod, scope, apiBaseUrl, and for private_key_jwt clients privateKey (PEM),
   * privateKeyId and signingAlgorithm instead of clientSecret.
   */
  settingsFor(client: keyof LocalServers['clients']): Record<string, string>
  /** Token endpoints and an API in vendor dialects (Salesforce, BCDA, Freshsales, Dock Health…). */
  dialects: DialectServers
  stats(): Promise<{
    tokenRequests: number
    apiRequests: number
    assertionJtis: string[]
    /** The JOSE header (alg, kid, typ, jku) of every client assertion. */
    assertionHeaders: Array<Record<string, unknown>>
    /** Each token request's client (null: none registered) and OAuth error (null: a token was issued). */
    grants: Array<{ clientId: string | null; error: string | null }>
  }>
  /** kills the authorization server, closes the API server; idempotent */
  stop(): Promise<void>
}

/** The sample API's audience and resource indicator (RFC 8707: an absolute URI). */
const SAMPLE_API_AUDIENCE = 'urn:oauthapi:sample-fhir'
const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 120

function accessTokenTtlFrom(options: LocalServersOptions): number {
  const ttl = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS
  if (!Number.isInteger(ttl) || ttl < 1) {
    throw new RangeError(`accessTokenTtlSeconds must be a positive integer, got ${ttl}`)
  }
  return ttl
}

function settingsFactory(clients: LocalClients, tokenUrl: string, apiBaseUrl: string) {
  return (name: ClientName): Record<string, string> => {
    const { authMethod: clientAuthMethod, scope } = CLIENT_REGISTRATIONS[name]
    const client = clients[name]
    const { clientId } = client
    if ('clientSecret' in client) {
      const { clientSecret } = client
      return { tokenUrl, clientId, clientSecret, clientAuthMethod, scope, apiBaseUrl }
    }
    return {
      tokenUrl,
      clientId,
      clientAuthMethod,
      scope,
      apiBaseUrl,
      privateKey: client.privateKeyPem,
      privateKeyId: client.privateKeyId,
      signingAlgorithm: client.signingAlgorithm,
    }
  }
}

function stopper(
  authorizationServer: AuthorizationServerProcess,
  api: ProtectedApi,
  dialects: DialectServers,
) {
  let stopping: Promise<void> | undefined
  const stopBoth = async () => {
    const results = await Promise.allSettled([
      authorizationServer.stop(),
      api.close(),
      dialects.close(),
    ])
    const failure = results.find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
  }
  return () => (stopping ??= stopBoth())
}

/** The audience of the second system's API (see LocalServersOptions.audience). */
export const SECOND_API_AUDIENCE = 'urn:oauthapi:sample-lab'

export async function startLocalServers(options: LocalServersOptions = {}): Promise<LocalServers> {
  const accessTokenTtlSeconds = accessTokenTtlFrom(options)
  const audience = options.audience ?? SAMPLE_API_AUDIENCE
  const { clients, metadata } = await generateClients()
  const authorizationServer = await startAuthorizationServer(
    {
      audience,
      scopes: [READ_SCOPE, WRITE_SCOPE],
      ungrantedScopes: [UNGRANTED_SCOPE],
      accessTokenTtlSeconds,
      clients: [...metadata, ...(options.extraClients ?? [])],
    },
    clientSecretsOf(clients),
  )

  let api: ProtectedApi
  try {
    api = await startProtectedApi({
      issuer: authorizationServer.issuer,
      jwksUri: authorizationServer.jwksUri,
      audience,
      clockSkewSeconds: options.apiClockSkewSeconds,
    })
  } catch (error) {
    await authorizationServer.stop()
    throw error
  }
  const dialects = await startDialectServers().catch(async (error: unknown) => {
    await Promise.allSettled([authorizationServer.stop(), api.close()])
    throw error
  })

  return {
    issuer: authorizationServer.issuer,
    tokenUrl: authorizationServer.tokenEndpoint,
    apiBaseUrl: api.baseUrl,
    apiAudience: audience,
    clients,
    settingsFor: settingsFactory(clients, authorizationServer.tokenEndpoint, api.baseUrl),
    stats: async () => {
      const { tokenRequests, assertionJtis, assertionHeaders, grants } =
        await authorizationServer.stats()
      return {
        tokenRequests,
        apiRequests: api.requestCount(),
        assertionJtis,
        assertionHeaders,
        grants,
      }
    },
    dialects,
    stop: stopper(authorizationServer, api, dialects),
  }
}
