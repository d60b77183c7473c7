import { AuthorType, Category, type Extension } from '@awell-health/extensions-core'
import { actions } from './actions'
import { settings } from './settings'

export const oauthApi: Extension = {
  key: 'oauthApi',
  title: 'OAuth API',
  description:
    'Call OAuth 2.0 protected APIs (EHRs, FHIR servers, any REST or GraphQL API) with the client credentials grant: fetch and cache tokens, renew them when they expire, and map response fields to data points.',
  category: Category.DATA,
  // The extension's own icon (icon.svg in this folder), as the house repository serves it once
  // the folder is merged there (see README.md, "Taking it into awell-extensions").
  icon_url:
    'https://raw.githubusercontent.com/awell-health/awell-extensions/main/extensions/oauthApi/icon.svg',
  author: { authorType: AuthorType.AWELL },
  settings,
  actions,
}
