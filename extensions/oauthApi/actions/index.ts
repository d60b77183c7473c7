import { authenticatedApiCall } from './authenticatedApiCall'
import { authenticatedGraphqlRequest } from './authenticatedGraphqlRequest'
import { fetchOAuthToken } from './fetchOAuthToken'

export const actions = {
  fetchOAuthToken,
  authenticatedApiCall,
  authenticatedGraphqlRequest,
}
