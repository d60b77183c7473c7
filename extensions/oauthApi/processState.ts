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
    key: '`TokenClient.cacheKey`',
    holds: 'tokens, each until its renewal margin; failures are never cached',
  },
  {
    state: 'discovered metadata',
    file: 'lib/oauth/discovery.ts',
    names: ['metadataCache'],
    bound: '100 issuers',
    key: 'issuer URL',
    holds: 'the token endpoint, for an hour',
  },
  {
    state: 'parsed settings',
    file: 'settings.ts',
    names: ['settingsCache'],
    bound: '100 settings values',
    key: "the settings' JSON",
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
    state: 'JWT times',
    file: 'lib/oauth/jwtExpiry.ts',
    names: ['claimsCache'],
    bound: '1,000 tokens',
    key: 'the token',
    holds:
      "a token's `exp` and `iat` claims, so that a JWT handed in or reused is decoded once, not on every call",
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
    state: 'direct parsers',
    file: 'lib/input/objectOfParsers.ts',
    names: ['directParsers'],
    bound: 'one per schema, all made when the modules load',
    key: "the settings' or an action's fields schema (a `WeakMap`)",
    holds: "the schema's value parsers without Zod's object pass (`parseDirectly`)",
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
  {
    state: 'step deadlines',
    file: 'lib/http/deadline.ts',
    names: ['sharedDeadlines'],
    bound:
      'one per 25 ms instant with a step under way (at most 12,000: the longest timeout, 300 s, over 25 ms)',
    key: 'the instant the deadline fires at',
    holds:
      'one `AbortController` and timer shared by the steps whose deadlines end on that instant; removed when it fires or when its last step is released',
  },
  {
    state: "the event date's text up to the second",
    file: 'lib/run/events.ts',
    names: ['currentSecond'],
    bound: '1 entry',
    key: 'the current second',
    holds: '`YYYY-MM-DDTHH:mm:ss.`, so that an event date is not formatted from scratch every run',
  },
]
