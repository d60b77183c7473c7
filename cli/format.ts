import type { ActivityEvent } from '@awell-health/extensions-core'
import type { ActionDescription, FieldDescription, SettingDescription } from './describeAction'
import type { ExtensionListing } from './listActions'
import { maskValue, redactSecrets } from './secrets'
import type { RunResult } from './types'

const ALWAYS_MASKED_DATA_POINTS = new Set(['accessToken'])

/** Pads every column but the last so the rows line up. */
export function alignColumns(rows: string[][], indent = '  '): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)))
  }
  return rows.map((row) => {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
    return `${indent}${cells.join('  ')}`.trimEnd()
  })
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

export function formatList(listing: ExtensionListing[]): string {
  if (listing.length === 0) return 'No extensions registered.\n'
  const blocks = listing.map((extension) => {
    const rows = extension.actions.map((action) => [`${extension.key}/${action.key}`, action.title])
    return [`${extension.key}  ${extension.title}`, ...alignColumns(rows)].join('\n')
  })
  return `${blocks.join('\n\n')}\n`
}

export function requiredLabel(required: boolean): string {
  return required ? 'required' : 'optional'
}

/** A dropdown field's options as `value (label)` (or `value` alone when the two are equal). */
export function optionsText(field: FieldDescription): string | undefined {
  if (field.options === undefined || field.options.length === 0) return undefined
  return field.options
    .map(({ label, value }) => (label === String(value) ? String(value) : `${value} (${label})`))
    .join(', ')
}

/** How a setting is marked besides its key: required or optional, and obfuscated. */
export function settingFlags(setting: SettingDescription): string {
  return [requiredLabel(setting.required), ...(setting.obfuscated ? ['obfuscated'] : [])].join(', ')
}

function fieldDetailLines(field: FieldDescription): string[] {
  const lines: string[] = []
  if (field.description) lines.push(`      ${field.description}`)
  const options = optionsText(field)
  if (options !== undefined) lines.push(`      options: ${options}`)
  return lines
}

function formatFields(fields: FieldDescription[]): string[] {
  if (fields.length === 0) return ['Fields: (none)']
  const rows = alignColumns(
    fields.map((field) => [field.id, field.type, requiredLabel(field.required), field.label]),
  )
  return ['Fields:', ...fields.flatMap((field, i) => [rows[i], ...fieldDetailLines(field)])]
}

function formatDataPoints(description: ActionDescription): string[] {
  if (description.dataPoints.length === 0) return ['Data points: (none)']
  const rows = description.dataPoints.map((dataPoint) => [dataPoint.key, dataPoint.valueType])
  return ['Data points:', ...alignColumns(rows)]
}

function formatSettings(description: ActionDescription): string[] {
  const header = `Settings of extension ${description.extension}:`
  if (description.settings.length === 0) return [`${header} (none)`]
  const rows = description.settings.map((setting) => [
    setting.key,
    settingFlags(setting),
    setting.envVar,
    setting.label,
  ])
  return [header, ...alignColumns(rows)]
}

export function formatDescription(description: ActionDescription): string {
  const lines = [
    `${description.extension}/${description.action}: ${description.title}`,
    ...(description.description ? [description.description] : []),
    '',
    ...formatFields(description.fields),
    '',
    ...formatDataPoints(description),
    '',
    ...formatSettings(description),
  ]
  return `${lines.join('\n')}\n`
}

/** The value shown for a data point in the readable summary; secrets and tokens are masked. */
export function displayDataPoint(
  key: string,
  value: string | null | undefined,
  secrets: readonly string[],
): string {
  if (value === undefined) return '(undefined)'
  if (value === null) return '(null)'
  if (ALWAYS_MASKED_DATA_POINTS.has(key) || secrets.includes(value)) return maskValue(value)
  return value
}

function eventText(event: ActivityEvent): string {
  return event.text?.en ?? Object.values(event.text ?? {})[0] ?? ''
}

function formatEvent(event: ActivityEvent): string {
  const text = eventText(event)
  const category = event.error?.category ?? 'info'
  const message = event.error?.message
  const detail = message !== undefined && message !== text ? ` (${message})` : ''
  return `  - [${category}] ${text}${detail}`
}

/** The readable summary of a run: status, masked data points, events with their category. */
export function formatRunSummary(result: RunResult, secrets: readonly string[]): string {
  const dataPoints = Object.entries(result.data_points)
  const lines = [
    `status: ${result.status}`,
    dataPoints.length === 0 ? 'data points: (none)' : 'data points:',
    ...alignColumns(
      dataPoints.map(([key, value]) => [`${key}:`, displayDataPoint(key, value, secrets)]),
    ),
    result.events.length === 0 ? 'events: (none)' : 'events:',
    ...result.events.map(formatEvent),
  ]
  return redactSecrets(`${lines.join('\n')}\n`, secrets)
}

function redactStringsDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets)
  if (Array.isArray(value)) return value.map((item) => redactStringsDeep(item, secrets))
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStringsDeep(item, secrets)]),
    )
  }
  return value
}

/**
 * The run as one JSON object. Data points are the action's output and are printed as they are;
 * events are printed as the action produced them, except that secret values are redacted.
 */
export function formatRunJson(result: RunResult, secrets: readonly string[]): string {
  return formatJson({
    status: result.status,
    data_points: result.data_points,
    events: redactStringsDeep(result.events, secrets),
  })
}
