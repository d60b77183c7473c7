import { alignColumns, displayDataPoint } from '../cli/format'
import type { DemoStep, RoundTrip } from './roundTrip'

const LINE = '─'.repeat(72)

const stepLines = (step: DemoStep, index: number, secrets: readonly string[]): string[] => {
  const { result } = step
  const fields = Object.entries(step.shownFields)
  const dataPoints = Object.entries(result.data_points)
  const mark = result.status === 'complete' ? '✓ completed' : `✗ ${result.status}`
  return [
    `Step ${index + 1} · ${step.title}  (${step.target})`,
    fields.length === 0
      ? '  fields: (none: the token URL and credentials come from the settings)'
      : '  fields:',
    ...alignColumns(
      fields.map(([key, value]) => [
        `${key}:`,
        // A multi-line value (a GraphQL document) on one line.
        typeof value === 'string' ? value.replace(/\s*\n\s*/g, ' ') : JSON.stringify(value),
      ]),
      '    ',
    ),
    `  ${mark}`,
    ...(dataPoints.length > 0 ? ['  data points:'] : []),
    ...alignColumns(
      dataPoints.map(([key, value]) => [`${key}:`, shorten(displayDataPoint(key, value, secrets))]),
      '    ',
    ),
    '  events:',
    ...result.events.map(
      (event) => `    - [${event.error?.category ?? 'info'}] ${event.text.en ?? ''}`,
    ),
  ]
}

const shorten = (text: string): string => (text.length > 160 ? `${text.slice(0, 157)}...` : text)

/** The readable transcript of the round trip; the token is shown masked, secrets never. */
export const formatTranscript = (trip: RoundTrip, secrets: readonly string[]): string => {
  const lines: string[] = []
  trip.steps.forEach((step, index) => lines.push(LINE, ...stepLines(step, index, secrets)))
  if (trip.derived.length > 0) {
    lines.push(
      LINE,
      'Derived data points (JSONPath over responseBody and data, as Studio maps them):',
    )
    lines.push(
      ...alignColumns(
        trip.derived.map((derived) => [
          derived.from,
          derived.dataPoint,
          derived.path,
          '→',
          JSON.stringify(derived.value),
        ]),
        '    ',
      ),
    )
  }
  lines.push(LINE)
  return `${lines.join('\n')}\n`
}
