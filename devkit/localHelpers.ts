import https from 'node:https'
import type { Helpers } from '@awell-health/extensions-core'

function notAvailable(helper: string): Error {
  return new Error(`helpers.${helper} is not available in the local runner`)
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
    awellSdk: () => Promise.reject(notAvailable('awellSdk')),
    getOpenAIConfig: () => {
      throw notAvailable('getOpenAIConfig')
    },
    getLangSmithConfig: () => {
      throw notAvailable('getLangSmithConfig')
    },
    rateLimiter: () => {
      throw notAvailable('rateLimiter')
    },
    openAIModelConfig: () => Promise.reject(notAvailable('openAIModelConfig')),
  }
}
