import { z } from 'zod'

/**
 * Thrown by a value parser; the message says what is wrong with the value. A value parser's
 * problem is about its own key; one thrown while building may name the key it is about.
 */
export class InputProblem extends Error {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message)
  }
}

export type ValueParser<T> = (value: unknown) => T

/**
 * Builds the final value from the parsed keys: the rules that span several keys live here, and
 * add issues themselves (the result is then discarded).
 */
type Build<T, Out> = (parsed: T, addIssue: (key: keyof T & string, message: string) => void) => Out

/**
 * A Zod schema for an object whose keys are each read by a small plain function. One transform
 * over plain parsers costs a few µs per run, where Zod 3 chains of refinements and transforms cost
 * about 100 µs for the settings alone (see the benchmark); it still fails with a ZodError whose
 * issue paths name the key at fault, which input/parseInput.ts reads. The
 * object's shape lists every key, so the Studio metadata can be checked against it.
 */
export const objectOfParsers = <
  P extends Record<string, ValueParser<unknown>>,
  Out = { [K in keyof P]: ReturnType<P[K]> },
>(
  parsers: P,
  build: Build<{ [K in keyof P]: ReturnType<P[K]> }, Out> = (parsed) => parsed as unknown as Out,
) => {
  type Parsed = { [K in keyof P]: ReturnType<P[K]> }
  const keys = Object.keys(parsers) as Array<keyof P & string>
  const shape = Object.fromEntries(keys.map((key) => [key, z.unknown()])) as {
    [K in keyof P]: z.ZodUnknown
  }
  const schema = z.object(shape).transform((raw, ctx): Out => {
    const addIssue = (key: string, message: string): void =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message })
    const parsed = {} as Parsed
    let valid = true
    for (const key of keys) {
      try {
        parsed[key] = parsers[key]((raw as Record<string, unknown>)[key]) as Parsed[typeof key]
      } catch (error) {
        if (!(error instanceof InputProblem)) throw error
        addIssue(key, error.message)
        valid = false
      }
    }
    if (!valid) return z.NEVER
    try {
      return build(parsed, addIssue)
    } catch (error) {
      if (!(error instanceof InputProblem)) throw error
      addIssue(error.key ?? keys[0], error.message)
      return z.NEVER
    }
  })
  return schema
}
