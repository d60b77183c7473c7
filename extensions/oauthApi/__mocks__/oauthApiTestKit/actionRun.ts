/**
 * The extension's test kit: its actions run as the house tests them — through extensions-core's
 * `TestHelpers.fromAction` (the platform's `ExtensionAction` wrapper, jest mocks for onComplete,
 * onError and the helpers) — and described (runDescription.ts) for one-line assertions; the
 * assertions every fault case shares; and the forms a secret can take, for the secret checks.
 * It lives under __mocks__/ so that the house build leaves it out and house jest does not take it
 * for a test file; it imports only the extension and packages.
 */
import { TestHelpers, type Helpers } from '@awell-health/extensions-core'
import { describeRun, type ActionRun, type AnyAction, type CallbackCall } from './runDescription'

export type { ActionRun }

/** The payload's patient, care flow and activity: fixed placeholder ids. */
const PAYLOAD_CONTEXT = {
  patient: { id: 'test-patient' },
  pathway: {
    id: 'test-pathway',
    definition_id: 'test-pathway-definition',
    tenant_id: 'test-tenant',
    org_slug: 'test-org',
    org_id: 'test-org',
  },
  activity: { id: 'test-activity' },
}

interface RunOptions {
  /** Helpers that replace the mocked ones, e.g. a recording `rateLimiter`, as the runtime has. */
  helpers?: Partial<Helpers>
}

/**
 * TestHelpers' rateLimiter grants every request; the extension then never spaces requests. By
 * default there is none here, as on a developer's machine, so the in-process schedule applies; a
 * test hands in a limiter to check the runtime's path.
 */
const noRateLimiter: Helpers['rateLimiter'] = () => {
  throw new Error('helpers.rateLimiter is not given to this test')
}

type Kit = ReturnType<typeof TestHelpers.fromAction>

const kitFor = (action: AnyAction): Kit =>
  TestHelpers.fromAction(action as Parameters<typeof TestHelpers.fromAction>[0])

/** One onComplete/onError mock's calls, with the order in which they came. */
const callsOf = (kind: CallbackCall['kind'], mock: jest.Mock): Array<[number, CallbackCall]> =>
  mock.mock.calls.map((args: unknown[], index) => {
    const [params] = args as Array<
      { events?: CallbackCall['events']; data_points?: CallbackCall['dataPoints'] } | undefined
    >
    const call: CallbackCall = {
      kind,
      events: params?.events ?? [],
      dataPoints: params?.data_points ?? {},
      args,
    }
    return [mock.mock.invocationCallOrder[index], call]
  })

/**
 * Runs the action once through the kit (its mocks cleared first); what the handler threw is
 * recorded as `thrown`, never rethrown.
 */
const runWith = async (
  kit: Kit,
  fields: unknown,
  settings: unknown,
  options: RunOptions,
): Promise<ActionRun> => {
  kit.clearMocks()
  const helpers: Helpers = { ...kit.helpers, rateLimiter: noRateLimiter, ...options.helpers }
  const logs: unknown[][] = []
  const given = helpers.log
  helpers.log = (...args) => {
    logs.push(args)
    given(...args)
  }
  let thrown: ActionRun['thrown']
  const started = performance.now()
  try {
    await kit.extensionAction.onEvent({
      payload: { fields, settings, ...PAYLOAD_CONTEXT } as never,
      onComplete: kit.onComplete,
      onError: kit.onError,
      helpers,
      attempt: 1,
    })
  } catch (error) {
    thrown = { value: error }
  }
  const elapsedMs = performance.now() - started
  const callbacks = [...callsOf('complete', kit.onComplete), ...callsOf('error', kit.onError)]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => call)
  return describeRun(callbacks, logs, elapsedMs, thrown)
}

/**
 * Runs the action once; a handler that throws fails the test with what it threw. `options` can
 * hand the handler other helpers (e.g. a recording `rateLimiter`, as the runtime has one).
 */
export const runAction = async (
  action: AnyAction,
  fields: unknown,
  settings: unknown,
  options: RunOptions = {},
): Promise<ActionRun> => {
  const run = await runWith(kitFor(action), fields, settings, options)
  if (run.thrown !== undefined) throw run.thrown.value
  return run
}

/** One action and one set of mocks for many runs, one after the other (the fuzz suite runs thousands). */
export const createHarness = (
  action: AnyAction,
): { run: (fields: unknown, settings: unknown) => Promise<ActionRun> } => {
  const kit = kitFor(action)
  return {
    run: async (fields, settings) => {
      const run = await runWith(kit, fields, settings, {})
      if (run.thrown !== undefined) throw run.thrown.value
      return run
    },
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
  // The message is there to be shown when the assertion fails.
  expect({ outcome: run.outcome, calls: run.calls, message: run.message }).toEqual({
    outcome,
    calls: 1,
    message: run.message,
  })
}

/** One onError with this category, failure code (lib/step/StepFailure.ts) and message. */
export const expectError = (
  run: ActionRun,
  category: string,
  message: RegExp,
  code: string,
): void => {
  expectOutcome(run, 'error')
  expect({ category: run.category, code: run.code }).toEqual({ category, code })
  expect(run.message).toMatch(message)
  // The error event also has a text for the care flow's timeline.
  expect(run.events[0]?.text?.en).toBe(run.message)
}

export const expectEndedWithin = (run: ActionRun, ms: number): void => {
  expect(run.elapsedMs).toBeLessThanOrEqual(ms)
}

/** The category, failure code and message of the run's error event, for one-line assertions. */
export const errorOf = (
  run: ActionRun,
): { category: string | undefined; code: string | undefined; message: string } => ({
  category: run.category,
  code: run.code,
  message: run.message,
})
