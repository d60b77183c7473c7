/**
 * npm run docs: writes the reference documentation (docs/reference/) and the generated tables of
 * the marketplace README from the code, and removes reference files that nothing generates now.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { REFERENCE_DIR, renderDocs } from './renderDocs'

const ROOT = resolve(__dirname, '../..')

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )

const rendered = renderDocs((path) => readFileSync(resolve(ROOT, path), 'utf8'))
const written = new Set(rendered.map((file) => file.path))
mkdirSync(resolve(ROOT, REFERENCE_DIR), { recursive: true })
for (const stale of filesUnder(resolve(ROOT, REFERENCE_DIR))) {
  if (!written.has(relative(ROOT, stale))) rmSync(stale)
}
for (const file of rendered) {
  mkdirSync(dirname(resolve(ROOT, file.path)), { recursive: true })
  writeFileSync(resolve(ROOT, file.path), file.text)
}
console.log(`wrote ${rendered.length} files: ${rendered.map((file) => file.path).join(', ')}`)
