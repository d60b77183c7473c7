/**
 * The README's table of failure codes is the one care-flow operators and Awell engineers read:
 * it lists exactly the codes the code has, each with the category run/describeFailure.ts gives it.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8')

const categoriesInCode = (): Record<string, string> => {
  const source = read('extensions/oauthApi/lib/run/describeFailure.ts')
  const table = source.slice(source.indexOf('const CATEGORIES'), source.indexOf('\n}\n'))
  return Object.fromEntries(
    [...table.matchAll(/^\s+([A-Z_]+): '([A-Z_]+)',$/gm)].map((match) => [match[1], match[2]]),
  )
}

const categoriesInReadme = (): Record<string, string> => {
  const readme = read('README.md')
  const section = readme.slice(readme.indexOf('## Failure codes'), readme.indexOf('## Reliability'))
  return Object.fromEntries(
    [...section.matchAll(/^\| `([A-Z_]+)` \| ([A-Z_]+) \|/gm)].map((match) => [match[1], match[2]]),
  )
}

describe('failure codes', () => {
  it('are listed in the README with the category the code gives them', () => {
    const inCode = categoriesInCode()
    expect(Object.keys(inCode).length).toBeGreaterThan(15)
    expect(categoriesInReadme()).toEqual(inCode)
  })

  it('have a category each, and nothing else has one', () => {
    const source = read('extensions/oauthApi/lib/step/StepFailure.ts')
    const union = source.slice(
      source.indexOf('export type FailureCode'),
      source.indexOf('\n\n', source.indexOf('export type FailureCode')),
    )
    const declared = [...union.matchAll(/\| '([A-Z_]+)'/g)].map((match) => match[1])
    const transport = [
      ...read('extensions/oauthApi/lib/http/HttpError.ts').matchAll(/'([A-Z_]+)'/g),
    ]
      .map((match) => match[1])
      .filter((code) => ['TIMEOUT', 'TOO_LARGE', 'NETWORK', 'TLS', 'NETWORK_POLICY'].includes(code))
    expect([...new Set([...declared, ...transport])].sort()).toEqual(
      Object.keys(categoriesInCode()).sort(),
    )
  })
})
