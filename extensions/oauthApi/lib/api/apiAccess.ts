import { InputProblem } from '../input/objectOfParsers'
import { NO_API_HEADERS, type ApiHeaders } from './apiHeaders'
import { BEARER_PLACEMENT, tokenHeaderName, type TokenPlacement } from './tokenPlacement'

/**
 * How a connection's API requests carry their credentials: where the token goes, and the fixed
 * headers (apiHeaders) beside it.
 */
export interface ApiAccess {
  placement: TokenPlacement
  headers: ApiHeaders
}

/** RFC 6750 §2.1 and nothing else: `Authorization: Bearer <token>`. */
export const BEARER_ACCESS: ApiAccess = { placement: BEARER_PLACEMENT, headers: NO_API_HEADERS }

/**
 * The token's place and the fixed headers, which may not set the header the token goes in (a
 * problem of apiHeaders).
 */
export const apiAccess = (placement: TokenPlacement, headers: ApiHeaders): ApiAccess => {
  const name = tokenHeaderName(placement)
  if (name !== undefined && headers.has(name)) {
    throw new InputProblem(
      `may not set "${headers.get(name)?.[0] ?? name}": the token goes in it (see tokenHeader)`,
      'apiHeaders',
    )
  }
  return placement === BEARER_PLACEMENT && headers.size === 0
    ? BEARER_ACCESS
    : { placement, headers }
}
