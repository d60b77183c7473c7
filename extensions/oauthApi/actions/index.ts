import { authenticatedApiCall } from './authenticatedApiCall'
import { authenticatedGraphqlRequest } from './authenticatedGraphqlRequest'
import { checkConnection } from './checkConnection'
import { fetchOAuthToken } from './fetchOAuthToken'

export const actions = {
  fetchOAuthToken,
  authenticatedApiCall,
  authenticatedGraphqlRequest,
  checkConnection,
}
