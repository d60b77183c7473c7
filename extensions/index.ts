import type { Extension } from '@awell-health/extensions-core'
import { oauthApi } from './oauthApi'

/** The registry the extension runtime consumes. */
export const extensions: Extension[] = [oauthApi]
