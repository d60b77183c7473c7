/**
 * Compiles `extensions/` and `src/` as the house monorepo does (awell-health/awell-extensions
 * v2.1.161, `tsc -p tsconfig.build.json`): its compiler options and its include/exclude patterns,
 * with no lib or types chosen (the defaults for es2018 apply). Anything a pattern does not
 * exclude is compiled and shipped.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const HOUSE_COMPILER_OPTIONS = {
  strict: true,
  target: 'es2018',
  module: 'commonjs',
  jsx: 'react-jsx',
  sourceMap: true,
  declaration: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
} as const

const HOUSE_EXCLUDE = [
  '**/*.test.ts',
  '**/__tests__/**/*.ts',
  '**/__mocks__/**/*.ts',
  '**/scripts/*.ts',
]

/** Builds `repo`'s extensions/ and src/ into `outDir`; throws with tsc's output when it fails. */
export const houseBuild = (repo: string, workDir: string, outDir: string): void => {
  const tsconfig = join(workDir, 'tsconfig.house.json')
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          ...HOUSE_COMPILER_OPTIONS,
          baseUrl: repo,
          rootDir: repo,
          outDir,
          // The house's own @types (node, jest…): where they are for a tsconfig at its root.
          typeRoots: [join(repo, 'node_modules/@types')],
        },
        include: [join(repo, 'extensions/**/*.ts'), join(repo, 'src/**/*.ts')],
        exclude: HOUSE_EXCLUDE.map((pattern) => join(repo, pattern)),
      },
      null,
      2,
    ),
  )
  const tsc = require.resolve('typescript/bin/tsc', { paths: [repo, __dirname] })
  try {
    execFileSync(process.execPath, [tsc, '-p', tsconfig], {
      cwd: repo,
      encoding: 'utf8',
      stdio: 'pipe',
    })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    throw new Error(`tsc with the house options failed:\n${stdout ?? ''}${stderr ?? ''}`.trimEnd())
  }
}
