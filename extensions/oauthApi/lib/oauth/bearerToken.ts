/**
 * RFC 6750 §2.1: a Bearer token is a b64token — nothing else can be sent in the header unchanged.
 * One more character is taken: "!", which Salesforce's access tokens carry
 * (`00D…!AQ…`) and its API accepts after `Bearer `; it is an RFC 9110 §5.6.2 tchar, which no
 * header parser splits on or alters.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/!]+=*$/

/** Tokens longer than this are not sent (no real server issues one; headers have limits). */
const MAX_TOKEN_LENGTH = 16_384

export const isSendableBearerToken = (token: string): boolean =>
  token.length <= MAX_TOKEN_LENGTH && B64TOKEN.test(token)

/** RFC 9110 §5.5 and RFC 3986: visible ASCII goes into a header value or a URL unchanged. */
const VISIBLE_ASCII = /^[\x21-\x7e]+$/

export const isSendableToken = (token: string): boolean =>
  token.length <= MAX_TOKEN_LENGTH && VISIBLE_ASCII.test(token)
