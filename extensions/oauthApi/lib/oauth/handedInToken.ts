import { InputProblem, type ValueParser } from '../input/objectOfParsers'
import { optionalFieldText } from '../input/valueParsers'
import { isSendableBearerToken } from './bearerToken'
import { isTokenReference, looksLikeTokenReference } from './tokenReferences'

/** What a previous step handed in through an accessToken field: a token, or a reference to one. */
export type HandedInToken =
  { kind: 'token'; accessToken: string } | { kind: 'reference'; reference: string }

/**
 * An accessToken field: empty (one-step mode), a token reference of this extension
 * (`oauthapi-ref:…`), or a token that can be sent as it is (RFC 6750 §2.1). A raw token is
 * accepted in either tokenDataPoints mode, so that care flows built earlier keep working.
 */
export const handedInToken: ValueParser<HandedInToken | undefined> = (value) => {
  const text = optionalFieldText(value)
  if (text === undefined) return undefined
  if (looksLikeTokenReference(text)) {
    if (!isTokenReference(text)) {
      throw new InputProblem(
        'is not a token reference of this extension ("oauthapi-ref:" and 22 to 64 base64url characters)',
      )
    }
    return { kind: 'reference', reference: text }
  }
  if (!isSendableBearerToken(text)) {
    throw new InputProblem(
      'the access token has characters that cannot be sent in a Bearer header (RFC 6750 §2.1)',
    )
  }
  return { kind: 'token', accessToken: text }
}
