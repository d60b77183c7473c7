/**
 * What a file may import where the house takes the extension in: files under
 * `extensions/oauthApi/` import only each other, Node's built-in modules and packages — never
 * devkit/, servers/, test/ or anything else of this repository, which the house does not have.
 * Shipped files (everything the house build compiles) import only the runtime dependencies:
 * jest, fast-check and jose are for tests.
 */
import { builtinModules } from 'node:module'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

/** The house build leaves these out (tsconfig.build.json exclude): tests and their support. */
export const isTestSupport = (path: string): boolean =>
  /\.test\.ts$/.test(path) || /(^|[\\/])(__tests__|__mocks__)[\\/]/.test(path)

const BUILTINS = new Set(builtinModules)

/** 'lodash/fp' → 'lodash', '@scope/name/x' → '@scope/name'. */
export const packageNameOf = (specifier: string): string => {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** The module specifiers of a TypeScript or JavaScript source: import, export … from, require, import(). */
export const specifiersOf = (source: string): string[] =>
  ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName)

export const sourceFilesUnder = (dir: string, extension = '.ts'): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory())
      return entry.name === 'node_modules' ? [] : sourceFilesUnder(path, extension)
    return entry.name.endsWith(extension) && !entry.name.endsWith('.d.ts') ? [path] : []
  })

export interface ImportRules {
  /** Packages any file may import (runtime dependencies). */
  runtime: ReadonlySet<string>
  /** Packages test files and their support may import besides (devDependencies). */
  testOnly: ReadonlySet<string>
}

/**
 * Every import of a file under `folder` that would not resolve where the folder stands alone,
 * as "file → specifier (why)"; empty when the folder stands alone.
 */
export const foreignImports = (folder: string, rules: ImportRules): string[] => {
  const root = resolve(folder)
  return sourceFilesUnder(root).flatMap((file) => {
    const shown = relative(root, file)
    const test = isTestSupport(shown)
    return specifiersOf(readFileSync(file, 'utf8')).flatMap((specifier) => {
      if (specifier.startsWith('.')) {
        const target = resolve(file, '..', specifier)
        return target === root || target.startsWith(root + sep)
          ? []
          : [`${shown} → ${specifier} (outside the folder)`]
      }
      if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return []
      const name = packageNameOf(specifier)
      if (rules.runtime.has(name)) return []
      if (test && rules.testOnly.has(name)) return []
      const why = test
        ? 'not a dependency'
        : rules.testOnly.has(name)
          ? 'a devDependency, in a shipped file'
          : 'not a runtime dependency'
      return [`${shown} → ${specifier} (${why})`]
    })
  })
}
