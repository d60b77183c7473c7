import type { Extension } from '@awell-health/extensions-core'

const REDACTED = '[redacted]'
const SHORTEST_VALUE_WITH_VISIBLE_PREFIX = 12

/** The non-empty values of the extension's obfuscated settings, longest first. */
export function obfuscatedValues(
  extension: Extension,
  settings: Readonly<Record<string, unknown>>,
): string[] {
  const obfuscated = Object.values(extension.settings).filter((setting) => setting.obfuscated)
  const values = obfuscated
    .map((setting) => settings[setting.key])
    // A connections entry may hold numbers and booleans, which the extension reads as text.
    .map((value) =>
      typeof value === 'number' || typeof value === 'boolean' ? String(value) : value,
    )
    .filter((value): value is string => typeof value === 'string' && value !== '')
  // The obfuscated settings of each named connection, inside the connections setting's JSON.
  const inConnections = connectionEntries(settings['connections']).flatMap((entry) =>
    obfuscatedValues({ ...extension, settings: withoutConnections(extension) }, entry),
  )
  return [...new Set([...values, ...inConnections])].sort((a, b) => b.length - a.length)
}

/** The entries of a connections setting that parses as a JSON object of objects. */
function connectionEntries(text: unknown): Array<Record<string, unknown>> {
  if (typeof text !== 'string') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return []
  return Object.values(parsed).filter(
    (entry): entry is Record<string, unknown> =>
      typeof entry === 'object' && entry !== null && !Array.isArray(entry),
  )
}

function withoutConnections(extension: Extension): Extension['settings'] {
  return Object.fromEntries(
    Object.entries(extension.settings).filter(([key]) => key !== 'connections'),
  )
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Replaces every occurrence of a secret in `text` in one pass (the longest secret wins). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const nonEmpty = secrets.filter((secret) => secret !== '')
  if (nonEmpty.length === 0) return text
  const longestFirst = [...nonEmpty].sort((a, b) => b.length - a.length)
  return text.replace(new RegExp(longestFirst.map(escapeRegExp).join('|'), 'g'), REDACTED)
}

/**
 * `abcd…40`: the first 4 characters, an ellipsis and the length. Values too short to spare
 * 4 characters show only the length.
 */
export function maskValue(value: string): string {
  const prefix = value.length >= SHORTEST_VALUE_WITH_VISIBLE_PREFIX ? value.slice(0, 4) : ''
  return `${prefix}…${value.length}`
}
