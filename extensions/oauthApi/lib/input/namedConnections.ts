import { InputFailure, fieldFailure } from '../step/StepFailure'

/**
 * Named connections: one installation's settings for several systems. The flat settings are the
 * connection named `default`; the `connections` setting is a JSON object of named entries, each
 * an object with the same keys as the flat settings.
 */
export const DEFAULT_CONNECTION = 'default'

/** 1–40 characters of A–Z a–z 0–9 _ - . */
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,40}$/
export const NAME_RULE = 'must be 1 to 40 characters of A-Z a-z 0-9 _ - .'

export const isConnectionName = (name: string): boolean => NAME_PATTERN.test(name)

/**
 * The entries of the `connections` setting by name, or why it cannot be read. The problem never
 * quotes the setting's text — it holds secrets — only the position of an entry at fault (and a
 * name that follows the rules, which is no secret).
 */
export const readConnections = (
  text: unknown,
): { entries: ReadonlyMap<string, Record<string, unknown>> } | { problem: string } => {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) {
    return { entries: new Map() }
  }
  if (typeof text !== 'string') return { problem: 'must be text (a JSON object)' }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { problem: 'is not valid JSON (a JSON object of connections is expected)' }
  }
  if (!isRecord(parsed)) {
    return { problem: 'must be a JSON object whose keys are connection names' }
  }
  const entries = new Map<string, Record<string, unknown>>()
  let position = 0
  for (const [name, entry] of Object.entries(parsed)) {
    position += 1
    if (!isConnectionName(name)) return { problem: `the name of entry ${position} ${NAME_RULE}` }
    if (name === DEFAULT_CONNECTION) {
      return { problem: `may not have an entry named "${DEFAULT_CONNECTION}" (the flat settings)` }
    }
    if (!isRecord(entry)) {
      return { problem: `entry "${name}" must be a JSON object of settings` }
    }
    entries.set(name, entry)
  }
  return { entries }
}

/**
 * The entry a step asked for. An unknown name is the `connection` field's fault (listing the
 * names there are); a `connections` setting that cannot be read is the setting's — either way
 * found before anything is sent.
 */
export const connectionEntry = (text: unknown, name: string): Record<string, unknown> => {
  const read = readConnections(text)
  if ('problem' in read) {
    throw new InputFailure('setting', [{ key: 'connections', problem: read.problem }])
  }
  const entry = read.entries.get(name)
  if (entry === undefined) {
    const known = [DEFAULT_CONNECTION, ...read.entries.keys()].map((each) => `"${each}"`)
    throw fieldFailure(
      'connection',
      `there is no connection "${name}" (known: ${known.join(', ')})`,
    )
  }
  return entry
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
