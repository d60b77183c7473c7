/**
 * `npm run test:dropin`: would the extension work where Awell runs it? Takes the repository as
 * the house monorepo (awell-health/awell-extensions) would take it in, and checks that
 *   1. extensions/ and src/ compile with the house's compiler options, and ship no test kit;
 *   2. the built registry loads in a Yarn 4.5.3 Plug'n'Play project, started as the house
 *      server starts (`node -r ./.pnp.cjs`), and lists oauthApi with its four actions;
 *   3. no file under extensions/oauthApi/ imports outside it.
 * It installs packages from the npm registry, so CI runs it after `npm test` (.ci/run).
 * Usage: npm run test:dropin [-- <repository directory>] (default: this one).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import {
  foreignImports,
  isTestSupport,
  packageNameOf,
  sourceFilesUnder,
  specifiersOf,
} from './folderImports'
import { houseBuild } from './houseBuild'
import { loadUnderPnp, readPackageJson } from './pnpProject'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'

const EXPECTED_ACTIONS = [
  'authenticatedApiCall',
  'authenticatedGraphqlRequest',
  'checkConnection',
  'fetchOAuthToken',
]

/** Files of the build that the house would ship but should not: tests, their kit, test packages. */
const shippedTestKit = (builtDir: string, runtime: ReadonlySet<string>): string[] =>
  sourceFilesUnder(builtDir, '.js').flatMap((file) => {
    const shown = relative(builtDir, file)
    if (isTestSupport(shown.replace(/\.js$/, '.ts'))) return [`${shown} (test support)`]
    // The house copies the extension folder alone: a file compiled from elsewhere is not there.
    if (!/^(extensions|src)[\\/]/.test(shown))
      return [`${shown} (compiled from outside extensions/ and src/)`]
    return specifiersOf(readFileSync(file, 'utf8'))
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'))
      .filter((specifier) => !builtinModules.includes(specifier))
      .filter((specifier) => !runtime.has(packageNameOf(specifier)))
      .map((specifier) => `${shown} requires ${specifier}, not a runtime dependency`)
  })

const main = (): number => {
  const repo = resolve(process.argv[2] ?? join(__dirname, '../..'))
  const pkg = readPackageJson(repo)
  const runtime = new Set(Object.keys(pkg.dependencies ?? {}))
  const testOnly = new Set(Object.keys(pkg.devDependencies ?? {}))
  const workDir = mkdtempSync(join(tmpdir(), 'oauthapi-dropin-'))
  const failures: string[] = []
  const step = (title: string, check: () => string): void => {
    process.stdout.write(`• ${title} … `)
    try {
      process.stdout.write(`ok: ${check()}\n`)
    } catch (error) {
      process.stdout.write('FAILED\n')
      failures.push(`${title}:\n${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const builtDir = join(workDir, 'dist')
  try {
    step('1. house build (tsc: strict, es2018, commonjs; the house include/exclude)', () => {
      // tsc emits even when it reports errors: what it built is checked all the same.
      const problems: string[] = []
      try {
        houseBuild(repo, workDir, builtDir)
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error))
      }
      const shipped = shippedTestKit(builtDir, runtime)
      if (shipped.length > 0) problems.push(`the build ships:\n  ${shipped.join('\n  ')}`)
      if (problems.length > 0) throw new Error(problems.join('\n'))
      return 'compiled, no test kit shipped'
    })
    step("2. load under Yarn 4.5.3 Plug'n'Play (node -r ./.pnp.cjs)", () => {
      const report = loadUnderPnp(repo, builtDir, join(workDir, 'app'))
      const actions = [...report.oauthApiActions].sort()
      if (JSON.stringify(actions) !== JSON.stringify(EXPECTED_ACTIONS)) {
        throw new Error(
          `oauthApi lists actions ${JSON.stringify(actions)}, not ${JSON.stringify(EXPECTED_ACTIONS)}`,
        )
      }
      return `registry [${report.extensions.join(', ')}], oauthApi actions [${actions.join(', ')}]`
    })
    step('3. extensions/oauthApi/ imports only itself and packages', () => {
      const foreign = foreignImports(join(repo, 'extensions/oauthApi'), { runtime, testOnly })
      if (foreign.length > 0) throw new Error(`  ${foreign.join('\n  ')}`)
      return 'stands alone'
    })
  } finally {
    if (process.env.DROPIN_KEEP === undefined) rmSync(workDir, { recursive: true, force: true })
    else process.stdout.write(`(kept ${workDir})\n`)
  }
  if (failures.length === 0) {
    process.stdout.write('drop-in check passed\n')
    return 0
  }
  process.stderr.write(`\ndrop-in check FAILED\n\n${failures.join('\n\n')}\n`)
  return 1
}

process.exitCode = main()
