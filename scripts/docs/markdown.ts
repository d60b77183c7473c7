/** A Markdown table cell: one line, with `|` escaped. */
const cell = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim()

/** A Markdown table of a header row and body rows. */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** `text` in backticks, for keys and codes. */
export const code = (text: string): string => `\`${text}\``

const begin = (name: string): string => `<!-- BEGIN GENERATED ${name} (npm run docs) -->`
const end = (name: string): string => `<!-- END GENERATED ${name} -->`

/**
 * `document` with the text between the markers of `name` replaced by `content`. The markers stay,
 * so the prose around them is kept as written and the next run finds them again.
 */
export function spliceGenerated(document: string, name: string, content: string): string {
  const start = document.indexOf(begin(name))
  const stop = document.indexOf(end(name))
  if (start < 0 || stop < start) {
    throw new Error(`no "${begin(name)}" … "${end(name)}" markers (in this order) to fill`)
  }
  return `${document.slice(0, start)}${begin(name)}\n${content}\n${document.slice(stop)}`
}
