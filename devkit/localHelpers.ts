import https from 'node:https'
import type { Helpers } from '@awell-health/extensions-core'

function notAvailable(helper: string): never {
  throw new Error(`helpers.${helper} is not available in the local runner`)
}

/**
 * The helpers handed to an action's onEvent when it runs on a developer's machine: `log` as
 * given (by default it discards), a real `httpsAgent`, and the platform-only helpers failing
 * with a message that says so.
 */
export function createLocalHelpers(log: Helpers['log'] = () => undefined): Helpers {
  return {
    log,
    httpsAgent: (opts) => new https.Agent(opts),
    awellSdk: async () => notAvailable('awellSdk'),
    getOpenAIConfig: () => notAvailable('getOpenAIConfig'),
    getLangSmithConfig: () => notAvailable('getLangSmithConfig'),
    rateLimiter: () => notAvailable('rateLimiter'),
    openAIModelConfig: async () => notAvailable('openAIModelConfig'),
  }
}
