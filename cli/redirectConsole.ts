import { format } from 'node:util'
import type { Writer } from './types'

const REDIRECTED_METHODS = ['log', 'info', 'debug', 'warn', 'error'] as const

/**
 * Runs `task` with console output sent to `stderr`, so whatever a handler logs can neither
 * break the single JSON object on stdout nor bypass the writer's redaction.
 */
export async function redirectConsole<T>(stderr: Writer, task: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as they were, never called here
  const originals = REDIRECTED_METHODS.map((method) => [method, console[method]] as const)
  for (const method of REDIRECTED_METHODS) {
    console[method] = (...args: unknown[]) => stderr(`${format(...args)}\n`)
  }
  try {
    return await task()
  } finally {
    for (const [method, original] of originals) console[method] = original
  }
}
