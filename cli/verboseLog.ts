import type { Helpers, LogError } from '@awell-health/extensions-core'
import type { Writer } from './types'

function describeLogError(error: LogError | Error): Record<string, unknown> {
  const described: Record<string, unknown> = { message: error.message }
  if (error instanceof Error) described.name = error.name
  const code = (error as { code?: unknown }).code
  if (code !== undefined) described.code = code
  return described
}

function serializeLogLine(
  data: Record<string, unknown>,
  message: string,
  error?: LogError | Error,
): string {
  const line = {
    time: new Date().toISOString(),
    message,
    data,
    ...(error === undefined ? {} : { error: describeLogError(error) }),
  }
  try {
    return JSON.stringify(line)
  } catch {
    return JSON.stringify({ ...line, data: '[unserializable]' })
  }
}

/** `helpers.log`: one JSON line per call on `stderr` when verbose, otherwise nothing. */
export function createLog(verbose: boolean, stderr: Writer): Helpers['log'] {
  if (!verbose) return () => undefined
  return (data, message, error) => stderr(`${serializeLogLine(data, message, error)}\n`)
}
