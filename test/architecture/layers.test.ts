/**
 * The shape of extensions/oauthApi/lib, kept by a test: folders form one way down (each may import
 * only the folders below it), http/ imports nothing else from lib, and only run/ knows Awell's
 * error categories and words which field or setting is at fault.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'

const LIB = resolve(__dirname, '../../extensions/oauthApi/lib')

/** Bottom first: a folder may import from the folders before it, and from itself. */
const LAYERS = ['http', 'secrets', 'step', 'rate', 'input', 'oauth', 'api', 'graphql', 'run']

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((match) =>
    resolve(file, '..', match[1]),
  )

const folderOf = (path: string): string => relative(LIB, path).split(sep)[0]

describe('lib: one way down', () => {
  const files = sourceFiles(LIB)

  it('has no folder that is not a known layer', () => {
    expect([...new Set(files.map(folderOf))].sort()).toEqual([...LAYERS].sort())
  })

  it.each(LAYERS)('%s/ imports only itself and the layers below it', (layer) => {
    const allowed = new Set(LAYERS.slice(0, LAYERS.indexOf(layer) + 1))
    const offending = files
      .filter((file) => folderOf(file) === layer)
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => !target.startsWith(LIB + sep) || !allowed.has(folderOf(target)))
          .map((target) => `${relative(LIB, file)} → ${relative(LIB, target)}`),
      )
    expect(offending).toEqual([])
  })

  it('keeps error categories and "Field"/"Setting" wording in run/ alone', () => {
    const offending = files
      .filter((file) => folderOf(file) !== 'run')
      .filter((file) =>
        /\b(MISSING_SETTINGS|WRONG_INPUT|BAD_REQUEST|SERVER_ERROR)\b|[`'"](Field|Setting) "/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(LIB, file))
    expect(offending).toEqual([])
  })
})
