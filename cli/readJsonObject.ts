import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { JsonSource } from './parseCommand'
import { UsageError } from './usage'

function describeSource(source: JsonSource, option: string): string {
  return source.kind === 'inline' ? `--${option}` : `--${option}-file ${source.path}`
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'unreadable'
}

async function readSourceText(source: JsonSource, option: string, cwd: string): Promise<string> {
  if (source.kind === 'inline') return source.text
  try {
    return await readFile(resolve(cwd, source.path), 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${describeSource(source, option)} (${errorCode(error)})`)
  }
}

/**
 * Reads `--<option>` / `--<option>-file` as a JSON object. Error messages never quote the input:
 * it may hold secrets, and JSON.parse's own messages echo part of it.
 */
export async function readJsonObject(
  source: JsonSource,
  option: string,
  cwd: string,
): Promise<Record<string, unknown>> {
  const text = await readSourceText(source, option, cwd)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new UsageError(`${describeSource(source, option)} is not valid JSON`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${describeSource(source, option)} must be a JSON object`)
  }
  return parsed as Record<string, unknown>
}
