import {
  AuthorType,
  Category,
  FieldType,
  type Action,
  type Extension,
  type NewActivityPayload,
  type Settings,
} from '@awell-health/extensions-core'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyAction = Action<any, Settings, string>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyPayload = NewActivityPayload<any, Settings>

export const SECRET = 'super-secret-value-1234567890'
export const TOKEN = 'tok_abcdefghijklmnopqrstuvwxyz'

const fakeSettings = {
  tokenUrl: { key: 'tokenUrl', label: 'Token URL', obfuscated: false, required: true },
  clientId: { key: 'clientId', label: 'Client ID', obfuscated: false, required: true },
  clientSecret: {
    key: 'clientSecret',
    label: 'Client secret',
    obfuscated: true,
    required: true,
    description: 'Keep it secret',
  },
  apiBaseUrl: { key: 'apiBaseUrl', label: 'API base URL', obfuscated: false },
} satisfies Settings

const fields = {
  scope: {
    id: 'scope',
    label: 'Scope',
    type: FieldType.STRING,
    required: true,
    description: 'The OAuth scope',
    options: {
      dropdownOptions: [
        { label: 'Read', value: 'read' },
        { label: 'Write', value: 'write' },
      ],
    },
  },
  retries: { id: 'retries', label: 'Retries', type: FieldType.NUMERIC },
}

function event(text: string): { date: string; text: { en: string } } {
  return { date: '2024-01-01T00:00:00.000Z', text: { en: text } }
}

function baseAction(key: string, onEvent: AnyAction['onEvent']): AnyAction {
  return {
    key,
    title: `Title of ${key}`,
    description: `Does ${key}`,
    category: Category.DEMO,
    fields,
    onEvent,
  }
}

/** A registry with one extension whose tiny actions complete, fail, throw or do nothing. */
export function createFakeRegistry(): { registry: Extension[]; payloads: AnyPayload[] } {
  const payloads: AnyPayload[] = []
  const completes: AnyAction = {
    ...baseAction('completes', async ({ payload, onComplete, helpers }) => {
      payloads.push(payload)
      helpers.log({ secret: payload.settings.clientSecret }, 'about to complete')
      await onComplete({
        data_points: {
          accessToken: TOKEN,
          scope: String(payload.fields.scope),
          echoedSecret: payload.settings.clientSecret,
          shortValue: 'ok',
        },
        events: [event(`Fetched a token using ${payload.settings.clientSecret}`)],
      })
    }),
    dataPoints: {
      accessToken: { key: 'accessToken', valueType: 'string' },
      scope: { key: 'scope', valueType: 'string' },
      echoedSecret: { key: 'echoedSecret', valueType: 'string' },
      shortValue: { key: 'shortValue', valueType: 'string' },
    },
  }
  const errors = baseAction('errors', async ({ payload, onError }) => {
    await onError({
      events: [
        {
          ...event('Token request failed'),
          error: { category: 'BAD_REQUEST', message: `401 from ${payload.settings.tokenUrl}` },
        },
      ],
    })
  })
  const throws = baseAction('throws', ({ payload }) =>
    Promise.reject(new TypeError(`cannot use ${payload.settings.clientSecret}`)),
  )
  const silent = baseAction('silent', () => Promise.resolve())
  const twice = baseAction('twice', async ({ onComplete, onError }) => {
    await onComplete({ data_points: {} })
    await onError({ events: [event('too late')] })
  })
  const throwsAfterError = baseAction('throwsAfterError', async ({ onError }) => {
    await onError({ events: [event('reported first')] })
    throw new RangeError('afterwards')
  })
  const usesHelpers = baseAction('usesHelpers', async ({ helpers, onComplete }) => {
    const agent = helpers.httpsAgent({ keepAlive: false })
    const sdkFailure = await helpers.awellSdk().then(
      () => 'no failure',
      (error: Error) => error.message,
    )
    let configFailure = 'no failure'
    try {
      helpers.getOpenAIConfig()
    } catch (error) {
      configFailure = (error as Error).message
    }
    await onComplete({
      data_points: { agent: agent.constructor.name, sdkFailure, configFailure },
    })
  })
  const logsToConsole = baseAction('logsToConsole', async ({ payload, onComplete }) => {
    console.log('console says', payload.settings.clientSecret)
    await onComplete()
  })
  const extension: Extension = {
    key: 'fakeApi',
    title: 'Fake API',
    description: 'A fake extension for CLI tests',
    category: Category.DEMO,
    icon_url: '',
    author: { authorType: AuthorType.AWELL },
    settings: fakeSettings,
    actions: {
      completes,
      errors,
      throws,
      silent,
      twice,
      throwsAfterError,
      usesHelpers,
      logsToConsole,
    },
  }
  return { registry: [extension], payloads }
}
