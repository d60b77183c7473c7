/**
 * Everything the extension keeps for the life of its process, beyond a run: bounded, keyed caches
 * and pools, and nothing else. `npm run docs` renders this list as docs/reference/process-state.md,
 * and test/architecture/processState.test.ts checks that every module-level value of the
 * extension (a module-level `let`, or a `const` holding a `new` object) is listed here and that
 * every LRU cache has a `max`. Adding process-wide state means adding it here, with its bound.
 */
export interface ProcessState {
  /** What it is, in a few words. */
  state: string
  /** The module that keeps it, relative to extensions/oauthApi/. */
  file: string
  /** Its module-level names in that file. */
  names: readonly string[]
  /** How many entries (or how much) at most. */
  bound: string
  /** What an entry is looked up by. */
  key: string
  /** What an entry holds, and for how long. */
  holds: string
}

export const PROCESS_STATE: readonly ProcessState[] = [
  {
    state: 'access tokens',
    file: 'lib/oauth/obtainAccessToken.ts',
    names: ['tokenCache'],
    bound: '500 tokens, least recently used leave first',
    key: '`TokenClient.cacheKey` (the connection, token endpoint, client, credential digest, scope, audience, resource, extra parameters, dialect)',
    holds: 'tokens, each until its renewal margin; failures are never cached',
  },
  {
    state: 'token requests under way',
    file: 'lib/oauth/obtainAccessToken.ts',
    names: ['tokenLoads'],
    bound:
      'the keys requested at once; each removed when its request settles or its last waiting run gives up',
    key: '`TokenClient.cacheKey`',
    holds:
      "the one token request shared by concurrent runs (single-flight), with its own deadline: the latest of its waiters'",
  },
  {
    state: 'token origins',
    file: 'lib/oauth/tokenOrigins.ts',
    names: ['origins'],
    bound: '1,000 tokens',
    key: 'a SHA-256 digest of the token (never the token)',
    holds:
      'the connection each token was obtained for, until it expires, so that a raw token handed to a step on another connection is not sent',
  },
  {
    state: 'network allowlist',
    file: 'lib/http/networkPolicy.ts',
    names: ['allowlistMemo'],
    bound: '1 entry',
    key: 'the text of `OAUTHAPI_ALLOWED_NETWORKS`',
    holds: "the operator's allowlist, parsed once per value of the variable",
  },
  {
    state: 'discovered metadata',
    file: 'lib/oauth/discovery.ts',
    names: ['metadataCache'],
    bound: '100 issuers',
    key: 'connection, TLS profile and issuer URL',
    holds: 'the token endpoint (or its mutual-TLS alias, RFC 8705 §5), for an hour',
  },
  {
    state: 'TLS connection pools',
    file: 'lib/http/tlsPools.ts',
    names: ['tlsPools'],
    bound: '50 TLS profiles, least recently used closed first',
    key: 'the TLS profile: a digest of the client certificate, its key and the extra CAs',
    holds:
      'one `undici.Agent` per TLS profile (mutual TLS, private CAs), with the same bounds and network policy as the shared pool; closed when evicted',
  },
  {
    state: 'parsed settings',
    file: 'settings.ts',
    names: ['settingsCache'],
    bound: '100 connections',
    key: "the connection's name and the settings' JSON (the flat settings, or the `connections` text)",
    holds:
      'settings parsed once per distinct value: URLs, the client authentication with its private key read and its kid, the cache key',
  },
  {
    state: 'token references',
    file: 'lib/oauth/tokenReferences.ts',
    names: ['references', 'issued'],
    bound: '1,000 references',
    key: 'the reference (and a digest of configuration + token, so that one token has one reference)',
    holds:
      'reference mode: reference → {token, `TokenClient.cacheKey`, expiry}, each while its token is fresh; none is shared between replicas',
  },
  {
    state: 'secret forms',
    file: 'lib/secrets/redactor.ts',
    names: ['matchersCache'],
    bound: '1,000 secrets',
    key: 'the secret',
    holds:
      'how the Redactor finds each secret: its pattern for the character-wise encodings (JSON-escaped, URL/form-encoded, any mix) and its whole forms (base64, base64url)',
  },
  {
    state: 'HTTP connections',
    file: 'lib/http/undiciAdapter.ts',
    names: ['agent'],
    bound: '32 connections per origin, idle ones closed after 4 s',
    key: 'origin',
    holds: 'keep-alive sockets (one `undici.Agent`)',
  },
  {
    state: 'the HTTP client',
    file: 'lib/http/sendRequest.ts',
    names: ['client'],
    bound: 'one',
    key: '—',
    holds: 'the one axios instance, over the adapter above; it keeps nothing between requests',
  },
  {
    state: 'rate-limit schedules',
    file: 'lib/rate/requestRate.ts',
    names: ['schedules'],
    bound: '1,000 configurations, least recently used leave first',
    key: "hash of the token client's cache key and the API base URL, with the budget",
    holds:
      "when the configuration's next API request may go; used only when the runtime has no `helpers.rateLimiter` or it fails",
  },
]
