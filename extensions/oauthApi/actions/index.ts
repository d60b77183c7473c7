import { authenticatedApiCall } from './authenticatedApiCall'
import { fetchOAuthToken } from './fetchOAuthToken'

export const actions = {
  fetchOAuthToken,
  authenticatedApiCall,
}
