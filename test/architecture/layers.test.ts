/**
 * The shape of extensions/oauthApi, kept by a test. lib/'s folders form one way down (each may
 * import only the folders below it; http/ imports nothing else of lib), and lib/ imports nothing
 * outside itself (no action, no settings). An action's folder imports lib/, the extension's
 * settings, the shared actions place and itself — never another action. Only run/ knows Awell's
 * error categories, words which field or setting is at fault, and words the sentences of failures
 * (the throw sites give facts: step/failureFacts.ts). Imports are read with TypeScript's own
 * `ts.preProcessFile` (static imports, re-exports, `import()` and `require`); texts with its parser.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'

const EXTENSION = resolve(__dirname, '../../extensions/oauthApi')
const LIB = join(EXTENSION, 'lib')
const ACTIONS = join(EXTENSION, 'actions')

/** Bottom first: a folder may import from the folders before it, and from itself. */
const LAYERS = ['http', 'secrets', 'step', 'rate', 'input', 'oauth', 'api', 'graphql', 'run']

/** Folders of actions/ that are not actions: what several actions share (fields, wording). */
const SHARED_ACTION_FOLDERS = ['shared']

/** Modules at the extension's root that an action may import. */
const ROOT_MODULES_FOR_ACTIONS = ['settings.ts']

/**
 * Imports from one action into another that are known and on their way out. Each must still
 * exist: delete it when it goes. None today: fields that actions share are in the shared place.
 */
const KNOWN_CROSS_ACTION_IMPORTS: string[] = []

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })

/** The module file a relative import names (`./x` → `./x.ts` or `./x/index.ts`). */
const resolveModule = (from: string, specifier: string): string => {
  const base = resolve(dirname(from), specifier)
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate)) return candidate
  }
  return base
}

/** The project files a file imports (npm packages and node: modules left out). */
const importsOf = (file: string): string[] =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolveModule(file, specifier))

/** The text of every string and template literal of a file (a template's parts, joined by "…"). */
const textsOf = (file: string): string[] => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
  const texts: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) texts.push(node.text)
    else if (ts.isTemplateExpression(node)) {
      texts.push([node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join('…'))
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return texts
}

/**
 * Words that only a failure's sentence has: "The API answered HTTP 404 to …", "The token request
 * failed: Could not reach …", "… the redirect was not followed". A throw site that wrote its own
 * sentence again would have one of them.
 */
const FAILURE_WORDING =
  /\bThe (API|token endpoint|token request|answer from|response from|TLS connection)\b|Discovery of the token endpoint|answered HTTP|No complete response|Could not reach|Not sent to|was not followed|requests per minute|GraphQL errors?:|no usable token endpoint/

const isUnder = (dir: string, path: string): boolean => path.startsWith(dir + sep)
const topFolder = (dir: string, path: string): string => relative(dir, path).split(sep)[0]

describe('lib: one way down', () => {
  const files = sourceFiles(LIB)

  it('has no folder that is not a known layer', () => {
    expect([...new Set(files.map((file) => topFolder(LIB, file)))].sort()).toEqual(
      [...LAYERS].sort(),
    )
  })

  it('reads the imports it checks', () => {
    const imports = files.flatMap(importsOf)
    expect(imports.length).toBeGreaterThan(100)
    expect(imports.filter((target) => !existsSync(target))).toEqual([])
  })

  it.each(LAYERS)('%s/ imports only itself and the layers below it', (layer) => {
    const allowed = new Set(LAYERS.slice(0, LAYERS.indexOf(layer) + 1))
    const offending = files
      .filter((file) => topFolder(LIB, file) === layer)
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => !isUnder(LIB, target) || !allowed.has(topFolder(LIB, target)))
          .map((target) => `${relative(EXTENSION, file)} → ${relative(EXTENSION, target)}`),
      )
    expect(offending).toEqual([])
  })

  it('keeps error categories and "Field"/"Setting" wording in run/ alone', () => {
    const offending = files
      .filter((file) => topFolder(LIB, file) !== 'run')
      .filter((file) =>
        /\b(MISSING_SETTINGS|WRONG_INPUT|BAD_REQUEST|SERVER_ERROR)\b|[`'"](Field|Setting) "/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(LIB, file))
    expect(offending).toEqual([])
  })

  it('words failures in run/ alone: everywhere else they are facts', () => {
    const outsideRun = files.filter((file) => topFolder(LIB, file) !== 'run')
    expect(outsideRun.flatMap(textsOf).length).toBeGreaterThan(200)
    const offending = outsideRun.flatMap((file) =>
      textsOf(file)
        .filter((text) => FAILURE_WORDING.test(text))
        .map((text) => `${relative(LIB, file)}: ${text}`),
    )
    expect(offending).toEqual([])
    // The wording is there: the patterns still find it.
    const run = files.filter((file) => topFolder(LIB, file) === 'run').flatMap(textsOf)
    expect(run.filter((text) => FAILURE_WORDING.test(text)).length).toBeGreaterThan(15)
  })
})

describe('actions: each on lib/, none on another', () => {
  const files = sourceFiles(ACTIONS).filter((file) => dirname(file) !== ACTIONS)
  const actionFolders = [...new Set(files.map((file) => topFolder(ACTIONS, file)))].filter(
    (folder) => !SHARED_ACTION_FOLDERS.includes(folder),
  )

  const crossings = (file: string): string[] => {
    const own = topFolder(ACTIONS, file)
    const allowedFolders = new Set([own, ...SHARED_ACTION_FOLDERS])
    return importsOf(file)
      .filter((target) => {
        if (isUnder(LIB, target)) return false
        if (isUnder(ACTIONS, target)) return !allowedFolders.has(topFolder(ACTIONS, target))
        return !ROOT_MODULES_FOR_ACTIONS.includes(relative(EXTENSION, target))
      })
      .map((target) => `${relative(ACTIONS, file)} → ${relative(ACTIONS, target)}`)
  }

  it('finds the actions', () => {
    expect(actionFolders.length).toBeGreaterThanOrEqual(4)
  })

  it.each(actionFolders)(
    '%s imports only lib/, the settings, the shared place and itself',
    (action) => {
      const offending = files
        .filter((file) => topFolder(ACTIONS, file) === action)
        .flatMap(crossings)
        .filter((crossing) => !KNOWN_CROSS_ACTION_IMPORTS.includes(crossing))
      expect(offending).toEqual([])
    },
  )

  it('the shared place imports only lib/, the root modules actions may import, and itself', () => {
    const offending = files
      .filter((file) => SHARED_ACTION_FOLDERS.includes(topFolder(ACTIONS, file)))
      .flatMap(importsOf)
      .filter(
        (target) =>
          !isUnder(LIB, target) &&
          !ROOT_MODULES_FOR_ACTIONS.includes(relative(EXTENSION, target)) &&
          !SHARED_ACTION_FOLDERS.some((folder) => isUnder(join(ACTIONS, folder), target)),
      )
    expect(offending).toEqual([])
  })

  it('has no stale entry among the known cross-action imports', () => {
    const all = files.flatMap(crossings)
    expect(KNOWN_CROSS_ACTION_IMPORTS.filter((known) => !all.includes(known))).toEqual([])
  })
})

describe('the rest of the extension', () => {
  it('lib/ and the root modules other than index.ts import no action', () => {
    const roots = readdirSync(EXTENSION)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'index.ts')
      .map((name) => join(EXTENSION, name))
    const offending = [...sourceFiles(LIB), ...roots].flatMap((file) =>
      importsOf(file)
        .filter((target) => isUnder(ACTIONS, target))
        .map((target) => `${relative(EXTENSION, file)} → ${relative(EXTENSION, target)}`),
    )
    expect(offending).toEqual([])
  })
})
