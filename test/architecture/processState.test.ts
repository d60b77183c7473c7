/**
 * "No hidden global state except bounded, keyed caches that the README lists": every value a
 * module of the extension keeps for the process (a module-level `new …` or `let`) is named in the
 * README's table of process state, and every LRU cache there has a bound.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')
const EXTENSION = join(ROOT, 'extensions/oauthApi')

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })

interface ModuleState {
  file: string
  name: string
  declaration: string
}

/**
 * Module-level state: `const x = new Y(…)` (but constant sets typed Readonly, errors and URLs),
 * and every `let`. The declaration runs to the next blank line (for the LRU bound).
 */
const moduleState = (): ModuleState[] =>
  sourceFiles(EXTENSION).flatMap((path) => {
    const source = readFileSync(path, 'utf8')
    const file = relative(ROOT, path)
    const declarations = [
      ...source.matchAll(/^(?:export )?const (\w+)(?:: ([^=]+))? = new (\w+)/gm),
    ].filter((match) => !(match[2] ?? '').startsWith('Readonly') && !/^(Error|URL)$/.test(match[3]))
    return [...declarations, ...source.matchAll(/^(?:export )?let (\w+)/gm)].map((match) => {
      const end = source.indexOf('\n\n', match.index)
      return { file, name: match[1], declaration: source.slice(match.index, end) }
    })
  })

const stateSection = (): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('## The token cache, and the rest of the process')
  return readme.slice(start, readme.indexOf('\n## ', start + 1))
}

describe('process state', () => {
  const state = moduleState()

  it('finds the caches it is meant to find', () => {
    expect(state.map((each) => each.name)).toEqual(
      expect.arrayContaining(['tokenCache', 'metadataCache', 'settingsCache', 'agent']),
    )
  })

  it.each(state.map((each) => [each.name, each.file, each.declaration] as const))(
    '%s (%s) is listed in the README',
    (name, _file, declaration) => {
      expect(stateSection()).toContain(`\`${name}\``)
      if (/= new LRUCache\b/.test(declaration)) expect(declaration).toMatch(/\bmax: /)
    },
  )
})
