import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CliDependencies } from '../../cli/types'
import { runCli } from '../../cli/runCli'
import { createFakeRegistry } from './fakeRegistry'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

const tempDirs: string[] = []

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A fresh empty directory, removed after the test file's tests. */
export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'oauthapi-cli-'))
  tempDirs.push(dir)
  return dir
}

/** The CLI's JSON output, typed as the test expects it. */
export const parseJson = <T>(text: string): T => JSON.parse(text) as T

/** Runs the CLI in-process against the fake registry, in an empty temp dir with no env. */
export async function runCliForTest(
  argv: string[],
  overrides: Partial<CliDependencies> = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    registry: createFakeRegistry().registry,
    env: {},
    cwd: makeTempDir(),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...overrides,
  })
  return { code, stdout, stderr }
}
