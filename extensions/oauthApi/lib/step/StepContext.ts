import type { Deadline } from '../http/deadline'
import type { TlsProfile } from '../http/tlsProfile'
import type { Redactor } from '../secrets/redactor'
import type { RequestLine } from './failureFacts'

/**
 * Waits until `request` (GET /fhir/Patient/1) may go out under the configuration's rate limit,
 * within the step's deadline. Throws a StepFailure (RATE_LIMITED) when no turn comes before the
 * deadline.
 */
export type Throttle = (request: RequestLine) => Promise<void>

/** What every request of one action run shares: its deadline, its size cap, its secrets. */
export interface StepContext {
  deadline: Deadline
  maxResponseBytes: number
  /** Knows the run's secrets; every text that leaves the run is scrubbed with it. */
  redactor: Redactor
  /**
   * The API requests' turn under the rate limit (token requests do not take one); undefined when
   * no limit is set, so that an unlimited call does no throttling work at all.
   */
  throttle: Throttle | undefined
  /**
   * The connection's client certificate and extra CAs, for every request of the step (discovery,
   * token and API alike: a certificate-bound token goes out with its certificate, RFC 8705 §3).
   */
  tls?: TlsProfile
}
