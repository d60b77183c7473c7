import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseEnv } from 'node:util'

export interface DotEnvResult {
  variables: Record<string, string>
  warnings: string[]
}

function isMissingFile(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT'
}

function withoutUndefined(dict: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(dict)) {
    if (value !== undefined) result[name] = value
  }
  return result
}

/**
 * Parses `<cwd>/.env` with Node's own dotenv parser (the one behind `process.loadEnvFile`)
 * without touching process.env. A missing file yields no variables.
 */
export async function readDotEnv(cwd: string): Promise<DotEnvResult> {
  let content: string
  try {
    content = await readFile(join(cwd, '.env'), 'utf8')
  } catch (error) {
    if (isMissingFile(error)) return { variables: {}, warnings: [] }
    return { variables: {}, warnings: ['could not read .env; ignoring it'] }
  }
  if (typeof parseEnv !== 'function') {
    return { variables: {}, warnings: ['.env ignored: reading it needs Node >= 20.12'] }
  }
  return { variables: withoutUndefined(parseEnv(content)), warnings: [] }
}
