/**
 * The house copies extensions/oauthApi/ alone into its monorepo: the drop-in check's import rule
 * (scripts/dropin/folderImports.ts), run in the fast loop. `npm run test:dropin` also builds
 * with the house's options and loads the result under Yarn Plug'n'Play.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { foreignImports, type ImportRules } from '../../scripts/dropin/folderImports'

const REPO = resolve(__dirname, '../..')
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
const RULES: ImportRules = {
  runtime: new Set(Object.keys(pkg.dependencies)),
  testOnly: new Set(Object.keys(pkg.devDependencies)),
}

describe('extensions/oauthApi stands alone', () => {
  it('imports only itself, Node built-ins and packages; shipped files only runtime ones', () => {
    expect(foreignImports(join(REPO, 'extensions/oauthApi'), RULES)).toEqual([])
  })

  it('has no ES-module-only package among its runtime dependencies', () => {
    // The house loads extensions with require() under Plug'n'Play, which refuses require(esm).
    expect(Object.keys(pkg.dependencies)).not.toContain('jose')
    expect(Object.keys(pkg.devDependencies)).toContain('jose')
  })

  describe('the rule, on a folder that breaks it', () => {
    let folder: string
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(folder, path)), { recursive: true })
      writeFileSync(join(folder, path), text)
    }
    beforeAll(() => {
      folder = join(mkdtempSync(join(tmpdir(), 'standalone-')), 'ext')
      write('index.ts', "import { a } from './lib/a'\nexport { a }\n")
      write(
        'lib/a.ts',
        "import { b } from '../../devkit/b'\nimport 'node:crypto'\nexport const a = b\n",
      )
      write('lib/jwt.ts', "export { decodeJwt } from 'jose'\nconst u = require('undici')\n")
      write(
        'lib/a.test.ts',
        "import fc from 'fast-check'\nimport { x } from '../../../servers/x'\n",
      )
      write('__mocks__/kit/run.ts', "import { z } from 'zod'\nimport 'jose'\nimport 'left-pad'\n")
    })
    afterAll(() => rmSync(dirname(folder), { recursive: true, force: true }))

    it('names each import that would not resolve in the house, and why', () => {
      expect(foreignImports(folder, RULES).sort()).toEqual(
        [
          '__mocks__/kit/run.ts → left-pad (not a dependency)',
          'lib/a.test.ts → ../../../servers/x (outside the folder)',
          'lib/a.ts → ../../devkit/b (outside the folder)',
          'lib/jwt.ts → jose (a devDependency, in a shipped file)',
        ].sort(),
      )
    })
  })
})
