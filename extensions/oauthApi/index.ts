import { AuthorType, Category, type Extension } from '@awell-health/extensions-core'
import { actions } from './actions'
import { settings } from './settings'

export const oauthApi: Extension = {
  key: 'oauthApi',
  title: 'OAuth API',
  description:
    'Call OAuth 2.0 protected APIs (EHRs, FHIR servers, any REST or GraphQL API) with the client credentials grant: fetch and cache tokens, renew them when they expire, and map response fields to data points.',
  category: Category.DATA,
  icon_url:
    'https://res.cloudinary.com/da7x4rzl4/image/upload/v1678870065/Awell%20Extensions/awell_logo.svg',
  author: { authorType: AuthorType.AWELL },
  settings,
  actions,
}
