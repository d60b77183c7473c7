import { ActionError } from '../run/ActionError'
import type { HttpFailure } from './sendRequest'

/** A transport failure as the care flow sees it: a timeout, an oversized body or a lost connection. */
export const describeHttpFailure = (failure: HttpFailure, what: string): ActionError =>
  new ActionError('SERVER_ERROR', `${what} failed: ${failure.message}`)
