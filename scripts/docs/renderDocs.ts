/**
 * The reference documentation, rendered from the code: the settings, each action's fields and data
 * points (through the CLI's `describe`), the failure codes with their categories, and the process
 * state. `npm run docs` writes it; a test in `npm test` fails when the committed files differ.
 */
import type { Action, Extension, Fields, Settings } from '@awell-health/extensions-core'
import {
  describeAction,
  type ActionDescription,
  type FieldDescription,
} from '../../cli/describeAction'
import { optionsText, requiredLabel, settingFlags } from '../../cli/format'
import { oauthApi } from '../../extensions/oauthApi'
import { PROCESS_STATE } from '../../extensions/oauthApi/processState'
import { FAILURE_CATEGORIES } from '../../extensions/oauthApi/lib/run/describeFailure'
import { FAILURE_MEANINGS } from '../../extensions/oauthApi/lib/run/failureMeanings'
import { FAILURE_CODES } from '../../extensions/oauthApi/lib/step/StepFailure'
import { code, markdownTable, spliceGenerated } from './markdown'

/** A file to write, relative to the repository root. */
export interface RenderedFile {
  path: string
  text: string
}

/** Where the generated reference lives; everything in it is written by `npm run docs`. */
export const REFERENCE_DIR = 'docs/reference'

const NOTICE =
  '<!-- Generated from the code by `npm run docs`; do not edit. `npm test` fails when this file differs from what it would write. -->'

type AnyAction = Action<Fields, Settings, string>

const actionsOf = (extension: Extension): AnyAction[] =>
  Object.values(extension.actions) as AnyAction[]

const describe = (extension: Extension, action: AnyAction): ActionDescription =>
  describeAction({ extension, action })

const page = (title: string, ...blocks: string[]): string =>
  `${[NOTICE, `# ${title}`, ...blocks].join('\n\n')}\n`

const yesNo = (value: boolean | undefined): string => (value === true ? 'yes' : 'no')

const fieldDescription = (field: FieldDescription): string => {
  const options = optionsText(field)
  return [field.description ?? '', ...(options === undefined ? [] : [`Options: ${options}.`])]
    .filter((part) => part !== '')
    .join(' ')
}

function settingsPage(extension: Extension): RenderedFile {
  const { settings } = describe(extension, actionsOf(extension)[0])
  const table = markdownTable(
    ['Key', 'Label', '', 'Environment variable (CLI)', 'Description'],
    settings.map((setting) => [
      code(setting.key),
      setting.label,
      settingFlags(setting),
      code(setting.envVar),
      setting.description ?? '',
    ]),
  )
  return {
    path: `${REFERENCE_DIR}/settings.md`,
    text: page(
      `Settings of ${extension.title} (\`${extension.key}\`)`,
      'One set per tenant, filled in once in Awell Studio; every action reads them. Values are single-line strings. The command line reads them from `--settings`, from the environment variables below, or from a `.env` file.',
      table,
    ),
  }
}

function actionPage(extension: Extension, action: AnyAction): RenderedFile {
  const description = describe(extension, action)
  const fields =
    description.fields.length === 0
      ? 'None.'
      : markdownTable(
          ['Field', 'Label', 'Type', 'Required', 'Description'],
          description.fields.map((field) => [
            code(field.id),
            field.label,
            field.type,
            requiredLabel(field.required),
            fieldDescription(field),
          ]),
        )
  const dataPoints =
    description.dataPoints.length === 0
      ? 'None.'
      : markdownTable(
          ['Data point', 'Type'],
          description.dataPoints.map((dataPoint) => [code(dataPoint.key), dataPoint.valueType]),
        )
  return {
    path: `${REFERENCE_DIR}/actions/${action.key}.md`,
    text: page(
      `${description.title} (\`${description.extension}/${description.action}\`)`,
      description.description,
      [
        `Previewable in Studio: ${yesNo(action.previewable)}. Automated retries by the platform: ${yesNo(action.supports_automated_retries)}.`,
        `The same from the command line: \`npm run --silent cli -- describe ${description.extension}/${description.action}\`. Settings: [settings.md](../settings.md).`,
      ].join(' '),
      '## Fields',
      fields,
      '## Data points',
      dataPoints,
    ),
  }
}

function failureCodesPage(): RenderedFile {
  const table = markdownTable(
    ['Code', 'Category', 'When'],
    FAILURE_CODES.map((failure) => [
      code(failure),
      FAILURE_CATEGORIES[failure],
      FAILURE_MEANINGS[failure],
    ]),
  )
  return {
    path: `${REFERENCE_DIR}/failure-codes.md`,
    text: page(
      'Failure codes',
      'Every failure has a stable code besides its Awell error category and its text: it is in the log line of each failed run (`helpers.log({ category, code, expected }, message)`), and the tests assert it. The codes are `FAILURE_CODES` in `extensions/oauthApi/lib/step/StepFailure.ts`; `extensions/oauthApi/lib/run/describeFailure.ts` is the one place that maps them to categories, words which setting or field is at fault, and words the text of each failure from its facts (`lib/step/failureFacts.ts`); the sentences below are `FAILURE_MEANINGS` in `lib/run/failureMeanings.ts`.',
      table,
    ),
  }
}

function processStatePage(): RenderedFile {
  const table = markdownTable(
    ['State', 'Where', 'Bound', 'Key', 'What it holds'],
    PROCESS_STATE.map((state) => [
      state.state,
      `${code(state.file)} (${state.names.map(code).join(', ')})`,
      state.bound,
      state.key,
      state.holds,
    ]),
  )
  return {
    path: `${REFERENCE_DIR}/process-state.md`,
    text: page(
      'Process state',
      'What the extension keeps beyond a run, for the life of its process: a few bounded, keyed caches and pools, and nothing else (`PROCESS_STATE` in `extensions/oauthApi/processState.ts`; a test checks that every module-level value of the extension is listed there and that every LRU cache has a bound). Each process of the extension runtime has its own: with several replicas, expect one token request per replica per token lifetime. Beyond these, nothing outlives a run.',
      table,
    ),
  }
}

function indexPage(extension: Extension): RenderedFile {
  const actions = actionsOf(extension).map(
    (action) => `  - [${action.title}](actions/${action.key}.md)`,
  )
  return {
    path: `${REFERENCE_DIR}/README.md`,
    text: page(
      'Reference',
      [
        `- [Settings](settings.md) of \`${extension.key}\``,
        '- Actions: fields and data points',
        ...actions,
        '- [Failure codes](failure-codes.md) and their categories',
        '- [Process state](process-state.md): the bounded caches and pools',
      ].join('\n'),
    ),
  }
}

/** The marketplace README's settings table: label, whether required, what it is. */
function marketplaceSettings(extension: Extension): string {
  const { settings } = describe(extension, actionsOf(extension)[0])
  return markdownTable(
    ['Setting', 'Required', ''],
    settings.map((setting) => [
      setting.label,
      yesNo(setting.required),
      [setting.obfuscated ? 'Obfuscated.' : '', setting.description ?? '']
        .filter((part) => part !== '')
        .join(' '),
    ]),
  )
}

const STUDIO_TYPES: Readonly<Record<string, string>> = {
  string: 'text',
  text: 'text',
  json: 'JSON',
  numeric: 'number',
  boolean: 'boolean',
}

/** A field's type as Studio shows it: a dropdown by its values, else the kind of input. */
const studioType = (field: FieldDescription): string =>
  field.options !== undefined && field.options.length > 0
    ? field.options.map((option) => String(option.value)).join(', ')
    : (STUDIO_TYPES[field.type] ?? field.type)

/** The marketplace README's table of an action's fields and its data points. */
function marketplaceAction(extension: Extension, action: AnyAction): string {
  const description = describe(extension, action)
  const fields =
    description.fields.length === 0
      ? 'No fields.'
      : markdownTable(
          ['Field', 'Type', ''],
          description.fields.map((field) => [
            field.label,
            studioType(field),
            [field.required ? 'Required.' : '', field.description ?? '']
              .filter((part) => part !== '')
              .join(' '),
          ]),
        )
  const dataPoints = description.dataPoints.map(
    (dataPoint) => `${code(dataPoint.key)} (${dataPoint.valueType})`,
  )
  return `${fields}\n\nData points: ${dataPoints.join(', ') || 'none'}.`
}

/** The marketplace README with its generated blocks filled from the code; its prose is kept. */
function marketplaceReadme(extension: Extension, current: string): RenderedFile {
  let text = spliceGenerated(current, 'settings', marketplaceSettings(extension))
  for (const action of actionsOf(extension)) {
    text = spliceGenerated(text, `action ${action.key}`, marketplaceAction(extension, action))
  }
  return { path: `extensions/${extension.key}/README.md`, text }
}

/**
 * Every generated file with its text. `readFile` gives the current text of a file that is only
 * partly generated (the marketplace README, whose prose is kept).
 */
export function renderDocs(readFile: (path: string) => string): RenderedFile[] {
  const extension = oauthApi
  return [
    indexPage(extension),
    settingsPage(extension),
    ...actionsOf(extension).map((action) => actionPage(extension, action)),
    failureCodesPage(),
    processStatePage(),
    marketplaceReadme(extension, readFile(`extensions/${extension.key}/README.md`)),
  ]
}
