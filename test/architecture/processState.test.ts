/**
 * "No hidden global state except bounded, keyed caches that the docs list": every value a module of
 * the extension keeps for the process — a module-level `let`, or a module-level `const` holding a
 * `new` object other than a constant set or map typed Readonly, an Error or a URL — is listed in
 * `PROCESS_STATE` (extensions/oauthApi/processState.ts, which the reference renders), every entry
 * there exists, and every LRU cache is built with a `max`. Module-level state is found with the
 * TypeScript parser, so formatting and comments do not matter.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { PROCESS_STATE } from '../../extensions/oauthApi/processState'

const EXTENSION = resolve(__dirname, '../../extensions/oauthApi')

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })

interface ModuleState {
  /** `file:name`, the file relative to extensions/oauthApi. */
  id: string
  initializer: ts.Expression | undefined
}

const NOT_STATE = new Set(['Error', 'URL'])

const isState = (
  list: ts.VariableDeclarationList,
  declaration: ts.VariableDeclaration,
): boolean => {
  if ((list.flags & ts.NodeFlags.Let) !== 0) return true
  const init = declaration.initializer
  if (init === undefined || !ts.isNewExpression(init)) return false
  if (declaration.type !== undefined && declaration.type.getText().startsWith('Readonly'))
    return false
  return !NOT_STATE.has(init.expression.getText())
}

const moduleState = (): ModuleState[] =>
  sourceFiles(EXTENSION).flatMap((path) => {
    const source = ts.createSourceFile(
      path,
      readFileSync(path, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    )
    const file = relative(EXTENSION, path)
    return source.statements.filter(ts.isVariableStatement).flatMap((statement) =>
      statement.declarationList.declarations
        .filter((declaration) => isState(statement.declarationList, declaration))
        .map((declaration) => ({
          id: `${file}:${declaration.name.getText()}`,
          initializer: declaration.initializer,
        })),
    )
  })

const isLruCache = (init: ts.Expression | undefined): init is ts.NewExpression =>
  init !== undefined && ts.isNewExpression(init) && init.expression.getText() === 'LRUCache'

const hasMax = (init: ts.NewExpression): boolean => {
  const options = init.arguments?.[0]
  return (
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some(
      (property) => property.name !== undefined && property.name.getText() === 'max',
    )
  )
}

describe('process state', () => {
  const state = moduleState()
  const listed = PROCESS_STATE.flatMap((entry) =>
    entry.names.map((name) => `${entry.file}:${name}`),
  )

  it('finds the caches it is meant to find', () => {
    expect(state.map((each) => each.id)).toEqual(
      expect.arrayContaining([
        'lib/oauth/obtainAccessToken.ts:tokenCache',
        'lib/oauth/discovery.ts:metadataCache',
        'settings.ts:settingsCache',
        'lib/http/undiciAdapter.ts:agent',
      ]),
    )
  })

  it('is listed in PROCESS_STATE, all of it, and nothing more', () => {
    expect([...listed].sort()).toEqual(state.map((each) => each.id).sort())
  })

  it('has a bound, a key and a meaning for each entry', () => {
    for (const entry of PROCESS_STATE) {
      expect([entry.state, entry.bound, entry.key, entry.holds].every((text) => text !== '')).toBe(
        true,
      )
    }
  })

  it.each(state.filter((each) => isLruCache(each.initializer)).map((each) => [each.id, each]))(
    '%s is an LRU cache with a max',
    (_id, each) => {
      expect(isLruCache(each.initializer) && hasMax(each.initializer)).toBe(true)
    },
  )
})
