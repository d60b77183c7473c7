import type { HttpError } from '../http/HttpError'
import type { FailedRequest, NotRepeated } from './failureFacts'
import { StepFailure } from './StepFailure'

/**
 * A transport failure of `request` (the token request, discovery, or an API request), with its
 * facts; `notRepeated`: why the request is never sent again, when it is not.
 */
export const transportFailure = (
  error: HttpError,
  request: FailedRequest,
  notRepeated?: NotRepeated,
): StepFailure =>
  new StepFailure({ kind: 'transport', request, transport: error.facts, notRepeated })
