import type { ActivityEvent, Extension } from '@awell-health/extensions-core'

/** Receives text destined for stdout or stderr; tests inject a collector. */
export type Writer = (text: string) => void

export interface CliDependencies {
  registry: readonly Extension[]
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  stdout: Writer
  stderr: Writer
}

export const EXIT_OK = 0
export const EXIT_ACTION_FAILED = 1
export const EXIT_USAGE = 2

type RunStatus = 'complete' | 'error' | 'uncaught'

export interface RunResult {
  status: RunStatus
  data_points: Record<string, string | null | undefined>
  events: ActivityEvent[]
}
