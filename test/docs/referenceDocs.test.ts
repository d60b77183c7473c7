/**
 * The reference documentation is generated from the code (`npm run docs`): these tests fail when a
 * committed file differs from what the generator would write now, or when docs/reference/ holds a
 * file it would not write. They compare in memory and write nothing.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { REFERENCE_DIR, renderDocs } from '../../scripts/docs/renderDocs'

const ROOT = resolve(__dirname, '../..')
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8')

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )

describe('generated docs', () => {
  const rendered = renderDocs(read)

  it.each(rendered.map((file) => [file.path, file.text] as const))(
    '%s is what `npm run docs` writes (run it after changing settings, fields, data points, failure codes or process state)',
    (path, text) => {
      expect(existsSync(resolve(ROOT, path))).toBe(true)
      expect(read(path)).toBe(text)
    },
  )

  it(`${REFERENCE_DIR}/ holds nothing that the generator does not write`, () => {
    const written = new Set(rendered.map((file) => file.path))
    const extra = filesUnder(resolve(ROOT, REFERENCE_DIR))
      .map((path) => relative(ROOT, path))
      .filter((path) => !written.has(path))
    expect(extra).toEqual([])
  })

  it('covers every action, setting, failure code and piece of process state', () => {
    const all = rendered.map((file) => file.text).join('\n')
    for (const key of [
      'authenticatedApiCall',
      'OAUTHAPI_TOKENURL',
      'TOKEN_NOT_RENEWED',
      'tokenCache',
    ]) {
      expect(all).toContain(key)
    }
  })
})

describe('the top-level README', () => {
  const readme = read('README.md')

  it('is short and starts with the two commands', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(150)
    const firstScreen = Buffer.from(readme).subarray(0, 3000).toString()
    expect(firstScreen).toContain('npm ci && npm run demo')
    expect(firstScreen).toContain('npm test')
  })

  it('links only to docs that exist', () => {
    const links = [...readme.matchAll(/\]\(((?:docs|extensions)\/[^)#]+)/g)].map((m) => m[1])
    expect(links.length).toBeGreaterThan(5)
    expect(links.filter((link) => !existsSync(resolve(ROOT, link)))).toEqual([])
  })
})
