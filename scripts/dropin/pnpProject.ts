/**
 * Loads a built registry as the house server does (`node -r ./.pnp.cjs dist/src/index.js`):
 * in a throwaway Yarn 4.5.3 Plug'n'Play project (the house's package manager, from the pinned
 * @yarnpkg/cli-dist dev dependency) that has the runtime dependencies at this package.json's
 * ranges and nothing else. Under Plug'n'Play, require() of an ES-module-only package throws
 * ERR_REQUIRE_ESM, and a package not declared cannot be required at all.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

interface PackageJson {
  version?: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
}

export const readPackageJson = (dir: string): PackageJson =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson

/**
 * The runtime dependencies at this package.json's ranges, and the peers they require that none
 * of them brings (the house has them: e.g. extensions-core's @awell-health/awell-sdk), at the
 * version installed here.
 */
const dropInDependencies = (repo: string): Record<string, string> => {
  const dependencies = { ...readPackageJson(repo).dependencies }
  for (const name of Object.keys(dependencies)) {
    const installed = readPackageJson(join(repo, 'node_modules', name))
    for (const peer of Object.keys(installed.peerDependencies ?? {})) {
      if (peer in dependencies || installed.peerDependenciesMeta?.[peer]?.optional === true)
        continue
      const peerDir = join(repo, 'node_modules', peer)
      if (existsSync(peerDir)) dependencies[peer] = readPackageJson(peerDir).version ?? '*'
    }
  }
  return dependencies
}

const YARNRC = [
  'nodeLinker: pnp',
  'pnpMode: strict',
  'enableGlobalCache: false',
  'enableTelemetry: false',
  'enableScripts: false',
  'enableImmutableInstalls: false',
  'enableProgressBars: false',
  '',
].join('\n')

/** What the loaded registry says of oauthApi: its key, action keys and the error, if any. */
export interface LoadReport {
  extensions: string[]
  oauthApiActions: string[]
}

/**
 * Installs the dependencies in `appDir` with Yarn (only the npm registry is contacted), copies the
 * built registry in as dist/, and requires dist/src/index.js with the Plug'n'Play loader.
 * Throws with Yarn's or Node's output when the install or the load fails.
 */
export const loadUnderPnp = (repo: string, builtDir: string, appDir: string): LoadReport => {
  mkdirSync(appDir, { recursive: true })
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify(
      { name: 'dropin-check', private: true, dependencies: dropInDependencies(repo) },
      null,
      2,
    ),
  )
  writeFileSync(join(appDir, '.yarnrc.yml'), YARNRC)
  // An (empty) lockfile marks this directory as the project root.
  writeFileSync(join(appDir, 'yarn.lock'), '')
  const yarn = require.resolve('@yarnpkg/cli-dist/bin/yarn.js', { paths: [repo] })
  const env = {
    ...process.env,
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_GLOBAL_CACHE: 'false',
    YARN_CACHE_FOLDER: join(appDir, '.yarn', 'cache'),
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  }
  run(process.execPath, [yarn, 'install'], appDir, env, 'yarn install')
  cpSync(builtDir, join(appDir, 'dist'), { recursive: true })
  const probe = [
    "const { extensions } = require('./dist/src/index.js')",
    "const oauthApi = extensions.find((extension) => extension.key === 'oauthApi')",
    'console.log(JSON.stringify({',
    '  extensions: extensions.map((extension) => extension.key),',
    '  oauthApiActions: oauthApi === undefined ? [] : Object.keys(oauthApi.actions),',
    '}))',
  ].join('\n')
  // As the house server starts: node -r ./.pnp.cjs. Also without require(esm), which Node 20.19+
  // and 22 have on by default but the house cannot count on under its loader.
  const output = run(
    process.execPath,
    ['-r', './.pnp.cjs', '-e', probe],
    appDir,
    env,
    'node -r ./.pnp.cjs (loading dist/src/index.js)',
  )
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as LoadReport
}

const run = (
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  what: string,
): string => {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: 'pipe' })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim().split('\n').slice(-25).join('\n')
    throw new Error(`${what} failed:\n${output}`)
  }
}
