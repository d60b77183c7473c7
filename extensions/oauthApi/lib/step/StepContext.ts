import type { Deadline } from '../http/deadline'
import type { Redactor } from '../secrets/redactor'

/** What every request of one action run shares: its deadline, its size cap, its secrets. */
export interface StepContext {
  deadline: Deadline
  maxResponseBytes: number
  /** Knows the run's secrets; every text that leaves the run is scrubbed with it. */
  redactor: Redactor
}
