// A real OAuth 2.0 authorization server (oidc-provider) for local development and end-to-end tests.
//
// Runs as a child process of startLocalServers.ts (oidc-provider is ESM only). It reads its
// configuration as JSON from the OAUTHAPI_AUTHORIZATION_SERVER_CONFIG environment variable,
// listens on 127.0.0.1 on a free port, prints one JSON "ready" line on stdout and runs until it is
// killed or its stdin closes (which happens when the parent process dies).
//
// Only the client credentials grant (RFC 6749 §4.4) is of interest: access tokens are JWTs
// (RFC 9068) for the sample API's audience, resolved through resource indicators (RFC 8707).
//
// Admin route (not OAuth): GET /__stats → { tokenRequests, mtlsTokenRequests, assertionJtis,
// assertionHeaders, grants }.
//
// With `tls` in its configuration it serves https (a certificate of a test CA) and does mutual
// TLS (RFC 8705): tls_client_auth and self_signed_tls_client_auth, certificate-bound access
// tokens (cnf.x5t#S256), and an mTLS alias of the token endpoint (/mtls/token, advertised as
// mtls_endpoint_aliases.token_endpoint; its requests are counted as mtlsTokenRequests).

import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto'
import Provider, { errors } from 'oidc-provider'

const CONFIG_ENV_VAR = 'OAUTHAPI_AUTHORIZATION_SERVER_CONFIG'
const TOKEN_PATH = '/token'
const MTLS_TOKEN_PATH = '/mtls/token'
const JWKS_PATH = '/jwks'
const STATS_PATH = '/__stats'
const ACCESS_TOKEN_SIGNING_ALG = 'RS256'
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

/**
 * @typedef {object} AuthorizationServerConfig
 * @property {string} audience the sample API's resource indicator / access token audience
 * @property {string[]} scopes the scopes the sample API understands
 * @property {string[]} [ungrantedScopes] scopes clients may ask for, which the API never grants
 * @property {number} accessTokenTtlSeconds
 * @property {object[]} clients oidc-provider client metadata (client_id, auth method, secret or jwks, scope)
 */

/** @returns {AuthorizationServerConfig} */
function readConfig() {
  const raw = process.env[CONFIG_ENV_VAR]
  if (!raw) throw new Error(`${CONFIG_ENV_VAR} is not set`)
  // Do not leave the secrets lying around for anything this process might spawn.
  delete process.env[CONFIG_ENV_VAR]
  return JSON.parse(raw)
}

/** The access token signing key its parent made (PKCS#8 PEM), as a private JWK. */
function accessTokenSigningJwk(config) {
  const jwk = createPrivateKey(config.accessTokenSigningKey).export({ format: 'jwk' })
  return { ...jwk, kid: randomUUID(), alg: ACCESS_TOKEN_SIGNING_ALG, use: 'sig' }
}

/** Client credentials clients: no redirects, no authorization endpoint (RFC 6749 §4.4). */
function toClientMetadata(client) {
  return { ...client, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] }
}

function requestedScopes(ctx) {
  return (ctx.oidc.params.scope ?? '').split(' ').filter(Boolean)
}

/**
 * oidc-provider accepts client_secret_basic and client_secret_post interchangeably. This server
 * holds clients to their registered token_endpoint_auth_method (RFC 7591 §2), so that a client
 * sending its secret the wrong way (RFC 6749 §2.3.1) is noticed: invalid_client.
 */
function rejectUnregisteredAuthMethod(ctx, client) {
  const sentInBody = ctx.oidc.params.client_secret !== undefined
  const sentInHeader = /^basic /i.test(ctx.headers.authorization ?? '')
  const method = client.clientAuthMethod
  if (
    (method === 'client_secret_basic' && sentInBody) ||
    (method === 'client_secret_post' && sentInHeader)
  ) {
    throw new errors.InvalidClientAuth(`the client must authenticate with ${method}`)
  }
}

/**
 * Scopes a client may ask for (registered, known to the server) that the sample API never
 * grants: oidc-provider drops them from the token, and its response's "scope" shows what was
 * granted (RFC 6749 §5.1) — a server that grants less than asked.
 */
function ungrantedScopesOf(config) {
  return config.ungrantedScopes ?? []
}

/**
 * RFC 8707 §2 resource server lookup: only the sample API exists. Also enforces RFC 6749 §3.3:
 * - no scope requested → the client's registered scopes (the "pre-defined default value");
 * - a scope the API does not know → invalid_scope (RFC 6749 §5.2). Scopes the client is not
 *   registered for are rejected with invalid_scope by oidc-provider itself.
 */
function resourceServerInfoGetter(config) {
  const knownScopes = new Set([...config.scopes, ...ungrantedScopesOf(config)])
  return async function getResourceServerInfo(ctx, resourceIndicator, client) {
    // The client credentials grant has no hook after client authentication; this lookup runs in
    // every client credentials token request (defaultResource always names the API).
    rejectUnregisteredAuthMethod(ctx, client)
    if (resourceIndicator !== config.audience) {
      throw new errors.InvalidTarget('unknown resource indicator')
    }
    if (requestedScopes(ctx).length === 0 && client.scope) {
      ctx.oidc.params.scope = client.scope
    }
    const unknownScope = requestedScopes(ctx).find((scope) => !knownScopes.has(scope))
    if (unknownScope !== undefined) {
      throw new errors.InvalidScope('requested scope is not known', unknownScope)
    }
    return {
      audience: config.audience,
      scope: config.scopes.join(' '),
      accessTokenTTL: config.accessTokenTtlSeconds,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: ACCESS_TOKEN_SIGNING_ALG } },
    }
  }
}

/**
 * oidc-provider fetches a client's jwks_uri through a dispatcher that refuses special-use IPs
 * (an SSRF guard). The clients of this local server host their JWK Sets on loopback, so for
 * loopback URLs only, the request goes out without that dispatcher.
 */
function fetchAllowingLoopback(url, options) {
  const { hostname } = new URL(url)
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') return globalThis.fetch(url, options)
  const { dispatcher: _guard, ...unguarded } = options
  return globalThis.fetch(url, unguarded)
}

/**
 * RFC 8705 with the certificate of the TLS handshake: verified against the test CA for
 * tls_client_auth (the subject DN must be the registered one), taken as it is for
 * self_signed_tls_client_auth (oidc-provider matches its thumbprint to the registered JWK's x5c).
 */
function mtlsFeature() {
  const getCertificate = (ctx) => ctx.socket.getPeerX509Certificate?.() ?? undefined
  return {
    enabled: true,
    certificateBoundAccessTokens: true,
    tlsClientAuth: true,
    selfSignedTlsClientAuth: true,
    getCertificate,
    certificateAuthorized: (ctx) => ctx.socket.authorized === true,
    certificateSubjectMatches: (ctx, property, expected) =>
      property === 'tls_client_auth_subject_dn' && getCertificate(ctx)?.subject === expected,
  }
}

function providerConfiguration(config, signingJwk, issuer) {
  const mtls = config.tls !== undefined
  return {
    ...(mtls
      ? { discovery: { mtls_endpoint_aliases: { token_endpoint: `${issuer}${MTLS_TOKEN_PATH}` } } }
      : {}),
    fetch: fetchAllowingLoopback,
    clients: config.clients.map(toClientMetadata),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: { token: TOKEN_PATH, jwks: JWKS_PATH },
    // The static scopes: oidc-provider answers invalid_scope when a client asks for one of these
    // that is not in its registered `scope`.
    scopes: ['openid', ...config.scopes, ...ungrantedScopesOf(config)],
    clientAuthMethods: [
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      ...(mtls ? ['tls_client_auth', 'self_signed_tls_client_auth'] : []),
    ],
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
    },
    ttl: { ClientCredentials: config.accessTokenTtlSeconds },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      ...(mtls ? { mTLS: mtlsFeature() } : {}),
      resourceIndicators: {
        enabled: true,
        // Clients need not send `resource`: the sample API is the default audience.
        defaultResource: async () => config.audience,
        getResourceServerInfo: resourceServerInfoGetter(config),
      },
    },
  }
}

function decodeJwtPayload(jwt) {
  try {
    return JSON.parse(Buffer.from(String(jwt).split('.')[1], 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

function decodeJwtHeader(jwt) {
  try {
    return JSON.parse(Buffer.from(String(jwt).split('.')[0], 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

function createStats() {
  return {
    tokenRequests: 0,
    mtlsTokenRequests: 0,
    assertionJtis: [],
    assertionHeaders: [],
    grants: [],
  }
}

/**
 * Records the outcome of every token request oidc-provider handled: the client it named (null
 * when none is registered) and the OAuth error, if any (invalid_client: credentials that are not
 * that client's).
 */
function recordGrants(provider, stats) {
  provider.on('grant.success', (ctx) => {
    stats.grants.push({ clientId: ctx.oidc?.client?.clientId ?? null, error: null })
  })
  provider.on('grant.error', (ctx, error) => {
    stats.grants.push({
      clientId: ctx.oidc?.client?.clientId ?? null,
      error: typeof error?.error === 'string' ? error.error : 'error',
    })
  })
}

/**
 * Records the jti and the header (alg, kid, typ, jku) of every private_key_jwt client assertion
 * (RFC 7523 §3) the token endpoint saw, accepted or not (a replayed assertion shows up twice).
 */
function recordClientAssertionJtis(provider, stats) {
  const record = (ctx) => {
    const params = ctx.oidc?.params
    if (params?.client_assertion_type !== CLIENT_ASSERTION_TYPE) return
    const jti = decodeJwtPayload(params.client_assertion)?.jti
    if (typeof jti === 'string') stats.assertionJtis.push(jti)
    const header = decodeJwtHeader(params.client_assertion)
    if (header !== undefined) stats.assertionHeaders.push(header)
  }
  provider.on('grant.success', record)
  provider.on('grant.error', record)
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(body))
}

/** Counts every request to the token endpoint, whatever its outcome, then hands it to oidc-provider. */
function requestListener(provider, stats) {
  const providerListener = provider.callback()
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (req.method === 'GET' && path === STATS_PATH) return sendJson(res, 200, stats)
    if (req.method === 'POST' && path === MTLS_TOKEN_PATH) {
      stats.mtlsTokenRequests += 1
      req.url = TOKEN_PATH
    }
    if (req.method === 'POST' && path === TOKEN_PATH) stats.tokenRequests += 1
    return providerListener(req, res)
  }
}

/** oidc-provider validates static clients lazily: check them now, so mistakes fail the start. */
async function assertClientsAreValid(provider, clients) {
  for (const { client_id: clientId } of clients) {
    if (!(await provider.Client.find(clientId))) throw new Error(`client ${clientId} not found`)
  }
}

function listenOnLoopback(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server.address().port))
  })
}

/** Exit when the parent goes away: its end of our stdin pipe closes when it dies. */
function exitWhenParentDies(server) {
  const shutdown = () => {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
  process.stdin.on('end', shutdown)
  process.stdin.on('error', shutdown)
  process.stdin.resume()
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

async function main() {
  const config = readConfig()
  const signingJwk = accessTokenSigningJwk(config)
  const stats = createStats()

  // The issuer contains the port, so listen first and plug the provider in afterwards.
  let listener = (_req, res) => sendJson(res, 503, { error: 'starting' })
  const handler = (req, res) => listener(req, res)
  // Client certificates are asked for, not required at the handshake: oidc-provider decides.
  const server =
    config.tls === undefined
      ? createServer(handler)
      : createHttpsServer({ ...config.tls, requestCert: true, rejectUnauthorized: false }, handler)
  const port = await listenOnLoopback(server)
  const issuer = `${config.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`

  const provider = new Provider(issuer, providerConfiguration(config, signingJwk, issuer))
  await assertClientsAreValid(provider, config.clients)
  recordClientAssertionJtis(provider, stats)
  recordGrants(provider, stats)
  listener = requestListener(provider, stats)
  exitWhenParentDies(server)

  const ready = {
    event: 'ready',
    port,
    issuer,
    tokenEndpoint: `${issuer}${TOKEN_PATH}`,
    jwksUri: `${issuer}${JWKS_PATH}`,
    statsUrl: `${issuer}${STATS_PATH}`,
  }
  process.stdout.write(`${JSON.stringify(ready)}\n`)
}

main().catch((error) => {
  // oidc-provider errors carry the useful part in error_description.
  const description = error?.error_description ? ` (${error.error_description})` : ''
  console.error(`authorization server failed to start${description}: ${error?.stack ?? error}`)
  process.exit(1)
})
