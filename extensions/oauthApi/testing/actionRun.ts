/**
 * Runs an action as the Awell runtime does (TestHelpers.fromAction's jest mocks for onComplete,
 * onError and helpers) and collects what the care flow sees: the outcome, the events and data
 * points, the log lines and the wall time. Plus the assertions every fault case shares.
 */
import { TestHelpers, type Action, type ActivityEvent } from '@awell-health/extensions-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action of any extension
export type AnyAction = Action<any, any, any>

export type Outcome = 'complete' | 'error' | 'none' | 'both'

export interface ActionRun {
  outcome: Outcome
  /** onComplete + onError calls in all; must be exactly 1. */
  calls: number
  events: ActivityEvent[]
  dataPoints: Record<string, string | null | undefined>
  /** The arguments of every helpers.log call. */
  logs: unknown[][]
  elapsedMs: number
  /** The error event's category and message ('' when there is none). */
  category: string | undefined
  message: string
  /**
   * Everything that left the run as JSON text — all onComplete/onError arguments except the
   * accessToken data point, and all log calls — for the secret checks.
   */
  emitted: string
}

export interface Harness {
  run: (fields: unknown, settings: unknown) => Promise<ActionRun>
}

export const PAYLOAD_CONTEXT = {
  patient: { id: 'p' },
  pathway: {
    id: 'pathway-1',
    definition_id: 'definition-1',
    tenant_id: 'tenant-1',
    org_slug: 'org',
    org_id: 'org-1',
  },
  activity: { id: 'a' },
}

/**
 * One TestHelpers.fromAction for many runs (the fuzz suite runs thousands): the mocks are
 * cleared before each run.
 */
export const createHarness = (action: AnyAction): Harness => {
  const { extensionAction, onComplete, onError, helpers, clearMocks } =
    TestHelpers.fromAction(action)
  const log = helpers.log as unknown as jest.Mock
  return {
    run: async (fields, settings) => {
      clearMocks()
      const started = performance.now()
      await extensionAction.onEvent({
        payload: { fields, settings, ...PAYLOAD_CONTEXT } as never,
        onComplete,
        onError,
        helpers,
        attempt: 1,
      })
      const elapsedMs = performance.now() - started
      return describeRun(onComplete.mock.calls, onError.mock.calls, log.mock.calls, elapsedMs)
    },
  }
}

/** A fresh harness for one run. */
export const runAction = (
  action: AnyAction,
  fields: unknown,
  settings: unknown,
): Promise<ActionRun> => createHarness(action).run(fields, settings)

interface CallbackArgs {
  events?: ActivityEvent[]
  data_points?: Record<string, string | null | undefined>
}

const describeRun = (
  completeCalls: unknown[][],
  errorCalls: unknown[][],
  logs: unknown[][],
  elapsedMs: number,
): ActionRun => {
  const calls = completeCalls.length + errorCalls.length
  const outcome: Outcome =
    calls > 1 ? 'both' : completeCalls.length === 1 ? 'complete' : calls === 1 ? 'error' : 'none'
  const first = (completeCalls[0]?.[0] ?? errorCalls[0]?.[0] ?? {}) as CallbackArgs
  const events = first.events ?? []
  const errorEvent = events.find((event) => event.error !== undefined)
  const withoutToken = (args: unknown[]): unknown[] =>
    args.map((arg) => {
      const callback = arg as CallbackArgs
      if (callback?.data_points === undefined) return arg
      return { ...callback, data_points: { ...callback.data_points, accessToken: '(excluded)' } }
    })
  return {
    outcome,
    calls,
    events,
    dataPoints: first.data_points ?? {},
    logs: [...logs],
    elapsedMs,
    category: errorEvent?.error?.category,
    message: errorEvent?.error?.message ?? '',
    emitted: JSON.stringify({
      completes: completeCalls.map(withoutToken),
      errors: errorCalls.map(withoutToken),
      logs,
    }),
  }
}

/** encodeURIComponent, which throws on a lone surrogate (then the form-encoded form covers it). */
const uriEncoded = (text: string): string => {
  try {
    return encodeURIComponent(text)
  } catch {
    return text
  }
}

const lowerHex = (text: string): string =>
  text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
const upperUnicodeEscapes = (text: string): string =>
  text.replace(/\\u[0-9a-f]{4}/g, (escape) => `\\u${escape.slice(2).toUpperCase()}`)
const unicodeEscape = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`

/** JSON as most serializers write it: the standard escapes, and every non-ASCII unit as \uxxxx. */
const jsonAsciiOnly = (text: string): string =>
  JSON.stringify(text)
    .slice(1, -1)
    .replace(/[^ -~]/g, (unit) => unicodeEscape(unit.charCodeAt(0)))

/** Every UTF-16 unit as \u00xx (some serializers escape ASCII too). */
const jsonAllEscaped = (text: string): string =>
  Array.from({ length: text.length }, (_unused, i) => unicodeEscape(text.charCodeAt(i))).join('')

/** Every UTF-8 byte percent-encoded. */
const percentAll = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`)
    .join('')

/**
 * The forms a secret can take in emitted text: raw; JSON-escaped (standard, PHP's \/, non-ASCII
 * or every character as \uXXXX in either case); percent-encoded (reserved characters or every
 * byte, upper- or lower-case hex); form-encoded; base64 and base64url, with and without padding;
 * and each line of a PEM key body.
 */
export const secretForms = (secret: string): string[] => {
  const json = JSON.stringify(secret).slice(1, -1)
  const form = new URLSearchParams({ v: secret }).toString().slice(2)
  const base64 = Buffer.from(secret, 'utf8').toString('base64')
  const base64url = Buffer.from(secret, 'utf8').toString('base64url')
  const forms = new Set([
    secret,
    json,
    json.replace(/\//g, '\\/'),
    jsonAsciiOnly(secret),
    upperUnicodeEscapes(jsonAsciiOnly(secret)),
    jsonAllEscaped(secret),
    upperUnicodeEscapes(jsonAllEscaped(secret)),
    uriEncoded(secret),
    lowerHex(uriEncoded(secret)),
    percentAll(secret),
    percentAll(secret).toLowerCase(),
    form,
    lowerHex(form),
    base64,
    base64.replace(/=+$/, ''),
    base64url,
    base64url.padEnd(base64.length, '='),
  ])
  // A PEM key: any one line of its base64 body would be a partial leak.
  if (!secret.includes('-----BEGIN')) return [...forms]
  for (const line of secret.replace(/\\n/g, '\n').split('\n')) {
    if (!line.startsWith('-----') && line.trim().length >= 16) forms.add(line.trim())
  }
  return [...forms]
}

/**
 * The secrets found anywhere in what the run emitted, in any of their forms. `emitted` is JSON
 * text, so each form is also looked for as JSON escapes it. Every form is at least as long as
 * the secret, so a secret longer than everything emitted cannot be in it.
 */
export const leakedSecrets = (run: ActionRun, secrets: string[]): string[] =>
  secrets.filter(
    (secret) =>
      secret.length <= run.emitted.length &&
      secretForms(secret).some(
        (form) =>
          run.emitted.includes(form) || run.emitted.includes(JSON.stringify(form).slice(1, -1)),
      ),
  )

export const expectNoSecrets = (run: ActionRun, secrets: string[]): void => {
  const planted = secrets.filter((secret) => secret.length >= 4)
  expect(planted).toHaveLength(secrets.length)
  const leaked = leakedSecrets(run, planted).map((secret) => `${secret.slice(0, 12)}…`)
  expect(leaked).toEqual([])
}

/** Exactly one onComplete/onError call, of the expected kind. */
export const expectOutcome = (run: ActionRun, outcome: 'complete' | 'error'): void => {
  expect({ outcome: run.outcome, calls: run.calls, message: run.message }).toEqual({
    outcome,
    calls: 1,
    message: expect.any(String),
  })
}

export const expectError = (run: ActionRun, category: string, message: RegExp): void => {
  expectOutcome(run, 'error')
  expect(run.category).toBe(category)
  expect(run.message).toMatch(message)
  // The error event also has a text for the care flow's timeline.
  expect(run.events[0]?.text?.en).toBe(run.message)
}

export const expectEndedWithin = (run: ActionRun, ms: number): void => {
  expect(run.elapsedMs).toBeLessThanOrEqual(ms)
}

/** The category and message of the run's error event, for one-line assertions. */
export const errorOf = (run: ActionRun): { category: string | undefined; message: string } => ({
  category: run.category,
  message: run.message,
})
