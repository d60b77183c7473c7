export { fetchOAuthToken } from './fetchOAuthToken'
