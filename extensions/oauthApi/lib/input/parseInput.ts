import type { ZodTypeAny, z } from 'zod'
import { InputFailure } from '../step/StepFailure'

/** How many of a schema's issues a failure quotes. */
const MAX_ISSUES = 3

/**
 * Parses settings or fields with their schema; issues become one InputFailure naming the keys at
 * fault (run/describeFailure.ts words them and gives their category).
 */
export const parseInput = <T extends ZodTypeAny>(
  schema: T,
  payload: unknown,
  kind: 'setting' | 'field',
): z.output<T> => {
  const result = schema.safeParse(payload ?? {})
  if (result.success) return result.data as z.output<T>
  const { issues } = result.error
  const quoted = issues.slice(0, MAX_ISSUES).map((issue) => ({
    key: issue.path.length > 0 ? issue.path.map(String).join('.') : '(all)',
    problem: issue.message,
  }))
  if (issues.length > MAX_ISSUES) {
    const last = quoted[quoted.length - 1]
    last.problem += ` (and ${issues.length - MAX_ISSUES} more)`
  }
  throw new InputFailure(kind, quoted)
}
