import { z, type ZodTypeAny } from 'zod'

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
  directParsers.set(schema, (raw) => {
    if (!isPlainRecord(raw)) return NOT_DIRECT
    const parsed = {} as Parsed
    for (const key of keys) {
      try {
        parsed[key] = parsers[key](raw[key]) as Parsed[typeof key]
      } catch (error) {
        if (error instanceof InputProblem) return NOT_DIRECT
        throw error
      }
    }
    let problem = false
    try {
      const value = build(parsed, () => {
        problem = true
      })
      return problem ? NOT_DIRECT : value
    } catch (error) {
      if (error instanceof InputProblem) return NOT_DIRECT
      throw error
    }
  })
  return schema
}

/** Said by a direct parse that could not take the value: the schema's own parse then decides. */
export const NOT_DIRECT: unique symbol = Symbol('not parsed directly')

/**
 * The same parsers and build as each schema's transform, without Zod's object pass: for input
 * that is valid, which is every run but a misconfigured one, the value comes out a few µs sooner
 * (the benchmark's hot path). Anything else — not a plain object, a value parser's problem, an
 * issue added by build — returns NOT_DIRECT and is parsed by the schema, so that failures and
 * their issues are exactly Zod's. Keyed by the schemas made here, which live as long as the module.
 */
const directParsers = new WeakMap<ZodTypeAny, (raw: unknown) => unknown>()

/** The value if the schema's direct parse takes `raw`; NOT_DIRECT otherwise or for other schemas. */
export const parseDirectly = (schema: ZodTypeAny, raw: unknown): unknown =>
  directParsers.get(schema)?.(raw) ?? NOT_DIRECT

/** What z.object accepts as an object: not null, an array, a Map, Set, Date or promise-like. */
const isPlainRecord = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  const { then, catch: catchMethod } = value as { then?: unknown; catch?: unknown }
  return !(typeof then === 'function' && typeof catchMethod === 'function')
}
