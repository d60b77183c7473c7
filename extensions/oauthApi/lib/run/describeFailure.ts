import { ZodError } from 'zod'
import { ActionError, type ErrorCategory } from './ActionError'

export interface FailureDescription {
  category: ErrorCategory
  message: string
  /** Whether the message was written by this project (safe to show once scrubbed). */
  expected: boolean
}

/**
 * Turns anything thrown inside a handler into a category and a message. Only ActionError and
 * ZodError messages are passed on; any other error is a bug of ours and is described by its
 * class name alone, as its message could hold a secret (e.g. a raw HTTP-client error).
 */
export const describeFailure = (error: unknown): FailureDescription => {
  if (error instanceof ActionError) {
    return { category: error.category, message: error.message, expected: true }
  }
  if (error instanceof ZodError) {
    return { category: 'WRONG_INPUT', message: describeZodError(error, 'Field'), expected: true }
  }
  const name = error instanceof Error ? error.name : typeof error
  return {
    category: 'SERVER_ERROR',
    message: `Unexpected internal error (${name}) in the oauthApi extension.`,
    expected: false,
  }
}

/** `Field "path": Required` — the first issue names the field or setting at fault. */
export const describeZodError = (error: ZodError, kind: 'Field' | 'Setting'): string => {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const name = issue.path.length > 0 ? issue.path.map(String).join('.') : '(all)'
    return `${kind} "${name}": ${issue.message}`
  })
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : ''
  return issues.join('; ') + more
}
